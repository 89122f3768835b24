package org.onecexporter.onec;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.utils.DateUtils;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import org.onecexporter.config.OneCConfig;
import org.onecexporter.domain.InvoiceNumbers;
import org.onecexporter.telemetry.Traces;
import org.onecexporter.json.Json;
import org.onecexporter.logging.PiiMasker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apache HttpClient 5 transport to the 1C HTTP service: preemptive UTF-8 Basic auth, an Idempotency-Key equal
 * to the invoice number, the configured response timeout, and no automatic retries or redirects (a silent retry
 * of a POST is exactly how duplicates are made).
 */
public final class HttpOneCClient implements OneCClient {
  private static final Logger LOG = LoggerFactory.getLogger(HttpOneCClient.class);
  /** The most of an answer ever read: 1C's real answers are a few KB; a longer one is cut, never buffered whole. */
  static final int MAX_BODY_BYTES = 1 << 20;
  /** Past the timeout and this, a call still reading is aborted (its connection closed). */
  private static final Duration ABORT_GRACE = Duration.ofSeconds(1);
  private static final ScheduledExecutorService ABORTER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "onec-call-deadline");
    thread.setDaemon(true);
    return thread;
  });
  /** 1C's answer as kept for the attempt's log line, after masking. */
  private static final int MAX_KEPT_BODY = 4000;
  /** The reason (into logs, the DLQ entry, the job record, export's output), after masking. */
  private static final int MAX_REASON = 600;
  private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
  private static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
  private static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
  private static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  private static final AttributeKey<String> INVOICE_NUMBER = AttributeKey.stringKey("onec.invoice_number");

  private final OneCConfig config;
  /** The service's URL for spans, without credentials or query. */
  private final String invoicesUrl;
  private final String authorization;
  private final CloseableHttpClient http;
  private final PiiMasker masker;

  public HttpOneCClient(OneCConfig config, int maxConnections) {
    this(config, maxConnections, new PiiMasker(true), null);
  }

  /**
   * @param masker masks personal data in 1C's answers before they leave this class
   * @param tls trust for {@code https://} (from {@code ONEC_CA_FILE}), or null for the JVM's default trust store
   */
  public HttpOneCClient(OneCConfig config, int maxConnections, PiiMasker masker, SSLContext tls) {
    this.config = config;
    this.masker = masker;
    URI invoices = config.invoicesUri();
    this.invoicesUrl = invoices.getScheme() + "://" + invoices.getHost()
        + (invoices.getPort() == -1 ? "" : ":" + invoices.getPort()) + invoices.getRawPath();
    warnIfCleartext(config.baseUrl());
    this.authorization = BasicAuth.header(config.username(), config.password());
    Timeout responseTimeout = Timeout.of(config.timeout());
    Duration connect = config.timeout().compareTo(MAX_CONNECT_TIMEOUT) < 0 ? config.timeout() : MAX_CONNECT_TIMEOUT;
    PoolingHttpClientConnectionManager connections = PoolingHttpClientConnectionManagerBuilder.create()
        .setDefaultConnectionConfig(ConnectionConfig.custom()
            .setConnectTimeout(Timeout.of(connect))
            .setSocketTimeout(responseTimeout)
            .setValidateAfterInactivity(Timeout.ofSeconds(2))
            .build())
        .setMaxConnTotal(maxConnections)
        .setMaxConnPerRoute(maxConnections)
        .setTlsSocketStrategy(tls == null ? DefaultClientTlsStrategy.createDefault() : new DefaultClientTlsStrategy(tls))
        .build();
    this.http = HttpClients.custom()
        .setConnectionManager(connections)
        .setDefaultRequestConfig(RequestConfig.custom()
            .setResponseTimeout(responseTimeout)
            .setConnectionRequestTimeout(responseTimeout)
            .setRedirectsEnabled(false)
            .build())
        .disableAutomaticRetries()
        .disableRedirectHandling()
        .disableCookieManagement()
        .setUserAgent("onec-exporter")
        .build();
  }

  @Override
  public Exchange send(String invoiceNumber, String jsonBody, String probeToken) {
    return OneCClient.both(sendSplit(invoiceNumber, jsonBody, probeToken));
  }

  /**
   * The request is built here, on the caller's thread; the customer's values for masking are read from the body in
   * {@link Split#outcome()}: under a gate neither holds the permit.
   */
  @Override
  public Split sendSplit(String invoiceNumber, String jsonBody, String probeToken) {
    return new Post(config.invoicesUri(), invoicesUrl, invoiceNumber, invoiceNumber, jsonBody,
        () -> customerValues(jsonBody), ResponseClassifier::classify);
  }

  @Override
  public Exchange cancel(String invoiceNumber, String reason, String probeToken) {
    return OneCClient.both(cancelSplit(invoiceNumber, reason, probeToken));
  }

  @Override
  public Split cancelSplit(String invoiceNumber, String reason, String probeToken) {
    Optional<String> problem = InvoiceNumbers.problem(invoiceNumber);
    if (invoiceNumber == null || problem.isPresent()) {
      Exchange refused = new Exchange(new CallOutcome.Permanent(0, "not sent to 1C: "
          + problem.orElse("no invoice number to cancel")), "", 0);
      return OneCClient.whole(() -> refused);
    }
    String tail = "/" + pathSegment(invoiceNumber) + "/cancel";
    URI uri = URI.create(config.invoicesUri() + tail);
    com.fasterxml.jackson.databind.node.ObjectNode body = Json.MAPPER.createObjectNode();
    if (reason != null && !reason.isBlank()) {
      body.put("reason", cutReason(reason.strip()));
    }
    // A key of its own: a proxy that replays answers by Idempotency-Key must not answer the cancellation with the
    // invoice's creation.
    return new Post(uri, invoicesUrl + tail, invoiceNumber, invoiceNumber + "/cancel", body.toString(), List::of,
        ResponseClassifier::classifyCancel);
  }

  /** The contract's bound on a cancellation's reason (the register keeps String(200)). */
  public static final int MAX_CANCEL_REASON = 200;

  private static String cutReason(String reason) {
    if (reason.length() <= MAX_CANCEL_REASON) {
      return reason;
    }
    int end = MAX_CANCEL_REASON - 1;
    if (Character.isHighSurrogate(reason.charAt(end - 1))) {
      end--;
    }
    return reason.substring(0, end) + "…";
  }

  /** {@code value} as one URL path segment: UTF-8, everything but RFC 3986's unreserved characters escaped. */
  static String pathSegment(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
          || c == '~' || (c == '.' && !value.chars().allMatch(ch -> ch == '.'))) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  /**
   * One POST to 1C, classified by {@code classifier}: the same auth, timeouts, size bound, trace span and masking
   * for every method of the service. The request is built when this is made; {@link #exchange()} sends it and reads
   * the answer (the span starts there, under the context current on that thread); {@link #outcome()} classifies and
   * masks it and ends the span.
   */
  private final class Post implements Split {
    private final HttpPost post;
    private final URI uri;
    /** The URL for the span, without credentials or query. */
    private final String spanUrl;
    private final String invoiceNumber;
    /** This order's customer values as we sent them (read after the exchange), masked wherever 1C quotes them. */
    private final java.util.function.Supplier<List<String>> customer;
    private final java.util.function.Function<HttpAnswer, CallOutcome> classifier;
    private Span span;
    private HttpAnswer answer;
    private Exception failure;
    private long millis;

    Post(URI uri, String spanUrl, String invoiceNumber, String idempotencyKey, String jsonBody,
        java.util.function.Supplier<List<String>> customer,
        java.util.function.Function<HttpAnswer, CallOutcome> classifier) {
      this.uri = uri;
      this.spanUrl = spanUrl;
      this.invoiceNumber = invoiceNumber;
      this.customer = customer;
      this.classifier = classifier;
      post = new HttpPost(uri);
      post.setHeader(HttpHeaders.AUTHORIZATION, authorization);
      post.setHeader("Idempotency-Key", idempotencyKey);
      post.setHeader(HttpHeaders.ACCEPT, "application/json");
      post.setEntity(new StringEntity(jsonBody, ContentType.create("application/json", StandardCharsets.UTF_8)));
    }

    @Override
    public boolean exchange() {
      // A CLIENT span for the call (under the attempt's span), its context sent as traceparent: 1C ignores it,
      // a proxy or an APM agent in front of 1C can join the trace.
      span = Traces.tracer().spanBuilder("POST").setSpanKind(SpanKind.CLIENT)
          .setAttribute(HTTP_METHOD, "POST").setAttribute(URL_FULL, spanUrl)
          .setAttribute(SERVER_ADDRESS, uri.getHost())
          .setAttribute(INVOICE_NUMBER, invoiceNumber).startSpan();
      long started = System.nanoTime();
      try (Scope ignored = span.makeCurrent()) {
        Traces.inject(post::setHeader);
        long deadline = started + config.timeout().toNanos();
        // A blocked read is bounded by the socket timeout; past the deadline the call is aborted outright, so a
        // server that drips its answer cannot hold this thread for longer than the timeout and a little.
        ScheduledFuture<?> abort = ABORTER.schedule(post::cancel,
            config.timeout().plus(ABORT_GRACE).toMillis(), TimeUnit.MILLISECONDS);
        try {
          answer = http.execute(post, response -> read(response, deadline, config.timeout()));
        } finally {
          abort.cancel(false);
        }
      } catch (IOException | RuntimeException e) {
        failure = e;
      }
      millis = (System.nanoTime() - started) / 1_000_000;
      return answer != null && answer.status() / 100 == 2;
    }

    @Override
    public Exchange outcome() {
      try {
        if (answer == null) {
          return noAnswer(failure);
        }
        CallOutcome outcome = classifier.apply(answer);
        List<String> known = customer.get();
        span.setAttribute(HTTP_STATUS, (long) answer.status());
        if (answer.status() >= 400) {
          span.setStatus(StatusCode.ERROR);
        }
        return new Exchange(masked(outcome, known), masker.foreign(answer.body(), known, MAX_KEPT_BODY), millis);
      } catch (RuntimeException e) {
        return noAnswer(e);
      } finally {
        span.end();
      }
    }

    private Exchange noAnswer(Exception e) {
      span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
      span.setAttribute(ERROR_TYPE, e.getClass().getName());
      return new Exchange(masked(ResponseClassifier.noAnswer(e), List.of()), "", millis);
    }
  }

  /**
   * The classification is made on 1C's raw answer (its decisions read markers and fields that masking leaves
   * alone anyway); the reason text that quotes the body is masked before it goes anywhere.
   */
  private CallOutcome masked(CallOutcome outcome, List<String> known) {
    return switch (outcome) {
      case CallOutcome.Transient t ->
          new CallOutcome.Transient(t.httpStatus(), masker.foreign(t.reason(), known, MAX_REASON), t.retryAfter());
      case CallOutcome.Permanent p ->
          new CallOutcome.Permanent(p.httpStatus(), masker.foreign(p.reason(), known, MAX_REASON), p.refusal());
      case CallOutcome.AccessRefused a ->
          new CallOutcome.AccessRefused(a.httpStatus(), masker.foreign(a.reason(), known, MAX_REASON));
      case CallOutcome.NotConfigured n -> new CallOutcome.NotConfigured(n.httpStatus(),
          masker.foreign(n.reason(), known, MAX_REASON), n.retryAfter());
      default -> outcome;
    };
  }

  /** This order's customer name, phone and address, as we sent them: what 1C may quote back. */
  static List<String> customerValues(String jsonBody) {
    try {
      JsonNode customer = Json.MAPPER.readTree(jsonBody).path("customer");
      List<String> values = new ArrayList<>(3);
      for (String field : new String[] {"name", "phone", "address"}) {
        JsonNode value = customer.get(field);
        if (value != null && value.isTextual()) {
          values.add(value.asText());
        }
      }
      return values;
    } catch (Exception e) {
      return List.of();
    }
  }

  /** Basic credentials over http:// to another host travel in clear text: say so once, at start. */
  static boolean warnIfCleartext(URI base) {
    if (!"http".equalsIgnoreCase(base.getScheme()) || isLoopback(base.getHost())) {
      return false;
    }
    LOG.warn("ONEC_BASE_URL is http:// to {}: the 1C password (Basic auth) and the customers' data cross the"
        + " network unencrypted; publish 1C over https:// (ONEC_CA_FILE trusts a private CA)", base.getHost());
    return true;
  }

  static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    return h.equalsIgnoreCase("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1");
  }

  /**
   * 1C's answer: at most {@link #MAX_BODY_BYTES} of its body (the rest is never read), decoded by its charset
   * (malformed bytes become U+FFFD), read by {@code deadline} ({@link System#nanoTime()}) or given up.
   */
  static HttpAnswer read(ClassicHttpResponse response, long deadline, Duration timeout) throws IOException {
    String contentType = "";
    Charset charset = StandardCharsets.UTF_8;
    String body = "";
    if (response.getEntity() != null) {
      contentType = Optional.ofNullable(response.getEntity().getContentType()).orElse("");
      try {
        ContentType parsed = ContentType.parse(contentType);
        if (parsed != null && parsed.getCharset() != null) {
          charset = parsed.getCharset();
        }
      } catch (RuntimeException ignored) {
        // A malformed Content-Type: fall back to UTF-8, which is what 1C sends.
      }
      try (InputStream in = response.getEntity().getContent()) {
        body = new String(readBounded(in, MAX_BODY_BYTES, deadline, timeout), charset);
      }
    }
    return new HttpAnswer(response.getCode(), contentType, body, retryAfter(response.getFirstHeader("Retry-After")));
  }

  /** Up to {@code max} bytes, in chunks, checking the deadline between them. */
  static byte[] readBounded(InputStream in, int max, long deadline, Duration timeout) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(8192);
    byte[] chunk = new byte[8192];
    while (out.size() < max) {
      if (System.nanoTime() - deadline > 0) {
        throw new java.net.SocketTimeoutException("1C's answer did not arrive in full within the timeout of "
            + timeout.toMillis() + " ms (" + out.size() + " bytes read)");
      }
      int n = in.read(chunk, 0, Math.min(chunk.length, max - out.size()));
      if (n < 0) {
        break;
      }
      out.write(chunk, 0, n);
    }
    return out.toByteArray();
  }

  static Optional<Duration> retryAfter(Header header) {
    if (header == null || header.getValue() == null) {
      return Optional.empty();
    }
    String value = header.getValue().trim();
    Duration result;
    try {
      result = Duration.ofSeconds(Long.parseLong(value));
    } catch (NumberFormatException e) {
      Instant at = DateUtils.parseStandardDate(value);
      if (at == null) {
        return Optional.empty();
      }
      result = Duration.between(Instant.now(), at);
    }
    if (result.isNegative()) {
      return Optional.of(Duration.ZERO);
    }
    return Optional.of(result.compareTo(ResponseClassifier.MAX_RETRY_AFTER) > 0 ? ResponseClassifier.MAX_RETRY_AFTER : result);
  }

  @Override
  public void close() {
    try {
      http.close();
    } catch (IOException ignored) {
      // Closing idle connections cannot lose anything.
    }
  }
}
