package org.onecexporter.onec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.utils.DateUtils;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;
import org.onecexporter.config.OneCConfig;

/**
 * Apache HttpClient 5 transport to the 1C HTTP service: preemptive UTF-8 Basic auth, an Idempotency-Key equal
 * to the invoice number, the configured response timeout, and no automatic retries or redirects (a silent retry
 * of a POST is exactly how duplicates are made).
 */
public final class HttpOneCClient implements OneCClient {
  private static final int MAX_BODY_BYTES = 1 << 20;
  private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final OneCConfig config;
  private final String authorization;
  private final CloseableHttpClient http;

  public HttpOneCClient(OneCConfig config, int maxConnections) {
    this.config = config;
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
  public Exchange send(String invoiceNumber, String jsonBody) {
    HttpPost post = new HttpPost(config.invoicesUri());
    post.setHeader(HttpHeaders.AUTHORIZATION, authorization);
    post.setHeader("Idempotency-Key", invoiceNumber);
    post.setHeader(HttpHeaders.ACCEPT, "application/json");
    post.setEntity(new StringEntity(jsonBody, ContentType.create("application/json", StandardCharsets.UTF_8)));
    long started = System.nanoTime();
    try {
      HttpAnswer answer = http.execute(post, HttpOneCClient::read);
      long millis = (System.nanoTime() - started) / 1_000_000;
      return new Exchange(ResponseClassifier.classify(answer), answer.body(), millis);
    } catch (IOException | RuntimeException e) {
      long millis = (System.nanoTime() - started) / 1_000_000;
      return new Exchange(ResponseClassifier.noAnswer(e), "", millis);
    }
  }

  private static HttpAnswer read(ClassicHttpResponse response) throws IOException {
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
        body = new String(in.readNBytes(MAX_BODY_BYTES), charset);
      }
    }
    return new HttpAnswer(response.getCode(), contentType, body, retryAfter(response.getFirstHeader("Retry-After")));
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
