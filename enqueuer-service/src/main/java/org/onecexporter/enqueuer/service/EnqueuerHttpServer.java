package org.onecexporter.enqueuer.service;

import org.onecexporter.enqueuer.EnqueueStatus;
import org.onecexporter.enqueuer.InvoiceEnqueuer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.onecexporter.http.AuthFailures;
import org.onecexporter.http.HardenedHttpServer;
import org.onecexporter.http.HttpLimits;
import org.onecexporter.logging.LogSafe;
import org.onecexporter.ops.OpsHttpServer;
import org.onecexporter.queue.QueueUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enqueuer over HTTP, for payment processors in other languages:
 * {@code POST /v1/orders/{id}/invoice-export} with {@code Authorization: Bearer <ENQUEUER_TOKEN>} answers 202
 * (queued), 200 (already queued), 400 (bad id), 401 (no or wrong token), 413 (a request body: none is needed),
 * 503 (Redis unreachable). Also {@code GET /metrics}, {@code GET /health/live} and {@code GET /health/ready} (Redis
 * reachable). Runs on {@link HardenedHttpServer} with {@link HttpLimits#enqueuer()} unless told otherwise.
 */
public final class EnqueuerHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EnqueuerHttpServer.class);
  private static final Pattern ROUTE = Pattern.compile("/v1/orders/([^/]+)/invoice-export/?");
  private static final Pattern ORDER_ID = Pattern.compile("[1-9][0-9]{0,17}");

  private final InvoiceEnqueuer enqueuer;
  private final byte[] token;
  private final HardenedHttpServer server;
  private final PrometheusMeterRegistry registry;
  private final AuthFailures authFailures;

  public EnqueuerHttpServer(InvoiceEnqueuer enqueuer, String token, String host, int port) throws IOException {
    this(enqueuer, token, host, port, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /** {@code registry} is the one the enqueuer records into; it is served on {@code /metrics}. */
  public EnqueuerHttpServer(InvoiceEnqueuer enqueuer, String token, String host, int port,
      PrometheusMeterRegistry registry) throws IOException {
    this(enqueuer, token, host, port, registry, HttpLimits.enqueuer());
  }

  public EnqueuerHttpServer(InvoiceEnqueuer enqueuer, String token, String host, int port,
      PrometheusMeterRegistry registry, HttpLimits limits) throws IOException {
    this.enqueuer = enqueuer;
    this.registry = registry;
    this.token = token.getBytes(StandardCharsets.UTF_8);
    this.authFailures = new AuthFailures(Counter.builder("onec_enqueuer_auth_failures")
        .description("Enqueue requests refused for a missing or wrong bearer token").register(registry));
    this.server = HardenedHttpServer.start("enqueuer", host, port, limits, this::handle, registry);
  }

  /** Kept for callers of the former API; the server is started by the constructor. */
  public EnqueuerHttpServer start() {
    return this;
  }

  public int port() {
    return server.port();
  }

  private void handle(HardenedHttpServer.Exchange exchange) {
    if (OpsHttpServer.handleOpsPath(exchange, registry, Map.of("redis", enqueuer::ready))) {
      return;
    }
    Matcher route = ROUTE.matcher(exchange.path());
    if (!route.matches()) {
      send(exchange, 404, "{\"error\":\"not found; POST /v1/orders/{id}/invoice-export\"}");
      return;
    }
    if (!exchange.method().equals("POST")) {
      send(exchange, 405, "{\"error\":\"use POST\"}", "Allow", "POST");
      return;
    }
    String authorization = exchange.header("Authorization");
    // Too many wrong tokens from this address: refused unchecked for a while (see AuthFailures), unless this is the
    // token already accepted from it (the payment processor's own).
    String seconds = authFailures.throttled(exchange.remoteAddress(), authorization);
    if (seconds != null) {
      send(exchange, 429, "{\"error\":\"too many wrong tokens from this address: try again in " + seconds + " s\"}",
          "Retry-After", seconds);
      return;
    }
    if (!authorized(authorization)) {
      authFailed(exchange);
      send(exchange, 401, "{\"error\":\"missing or wrong bearer token\"}", "WWW-Authenticate", "Bearer");
      return;
    }
    authFailures.accepted(exchange.remoteAddress(), AuthFailures.digest(authorization));
    String id = route.group(1);
    if (!ORDER_ID.matcher(id).matches()) {
      send(exchange, 400, "{\"error\":\"order id must be a positive integer\"}");
      return;
    }
    try {
      // The caller's W3C trace context (validated by the library; an invalid one is ignored): the enqueue span
      // and, through the job, the worker's attempts and the call to 1C join the payment's trace.
      EnqueueStatus status = enqueuer.enqueue(Long.parseLong(id), exchange.header("traceparent"));
      boolean queued = status == EnqueueStatus.QUEUED;
      send(exchange, queued ? 202 : 200, "{\"order_id\":" + id + ",\"status\":\""
          + (queued ? "queued" : "already_queued") + "\"}");
    } catch (QueueUnavailableException e) {
      send(exchange, 503, "{\"order_id\":" + id + ",\"status\":\"unavailable\",\"error\":\"Redis unreachable\"}");
    }
  }

  /** {@code Bearer <token>}; the scheme is case-insensitive (RFC 7235), the token compared in constant time. */
  boolean authorized(String header) {
    if (header == null) {
      return false;
    }
    String value = header.strip();
    if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer", 0, 6)
        || !Character.isWhitespace(value.charAt(6))) {
      return false;
    }
    byte[] presented = value.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(token, presented);
  }

  /** Counted always; logged at most once per 10 s with how many were not logged, never with the token. */
  private void authFailed(HardenedHttpServer.Exchange exchange) {
    long count = authFailures.refused(exchange.remoteAddress(), exchange.header("Authorization") != null);
    if (count > 0) {
      LOG.atWarn().addKeyValue("outcome", "auth_failed").addKeyValue("failures", count)
          .addKeyValue("remote_address", LogSafe.text(exchange.remoteAddress(), 64))
          .log("refused {} enqueue request(s) without a valid bearer token (last from {}, header {})", count,
              LogSafe.text(exchange.remoteAddress(), 64),
              exchange.header("Authorization") == null ? "missing" : "present but wrong");
    }
  }

  private static void send(HardenedHttpServer.Exchange exchange, int status, String json, String... headers) {
    exchange.respond(status, "application/json; charset=utf-8", json, headers);
  }

  @Override
  public void close() {
    server.close();
  }
}
