package org.onecexporter.enqueuer.service;

import org.onecexporter.enqueuer.EnqueueStatus;
import org.onecexporter.enqueuer.InvoiceEnqueuer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.onecexporter.http.AuthFailures;
import org.onecexporter.http.HardenedHttpServer;
import org.onecexporter.http.HttpLimits;
import org.onecexporter.http.Routes;
import org.onecexporter.json.Json;
import org.onecexporter.logging.LogSafe;
import org.onecexporter.ops.OpsHttpServer;
import org.onecexporter.queue.OrderIds;
import org.onecexporter.queue.QueueUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enqueuer over HTTP, for payment processors in other languages:
 * {@code POST /v1/orders/{id}/invoice-export} (or {@code /invoice-cancel}: cancel its invoice after a refund) with
 * {@code Authorization: Bearer <ENQUEUER_TOKEN>} answers 202
 * (queued), 200 (already queued), 400 (bad id), 401 (no or wrong token), 413 (a request body: none is needed),
 * 503 (Redis unreachable). Also {@code GET /metrics}, {@code GET /health/live} and {@code GET /health/ready} (Redis
 * reachable). Runs on {@link HardenedHttpServer} with {@link HttpLimits#enqueuer()} unless told otherwise.
 */
public final class EnqueuerHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EnqueuerHttpServer.class);
  private static final String JSON = "application/json; charset=utf-8";

  private final InvoiceEnqueuer enqueuer;
  private final byte[] token;
  private final AuthFailures authFailures;
  private final Routes<Void> routes;
  private HardenedHttpServer server;

  private EnqueuerHttpServer(InvoiceEnqueuer enqueuer, String token, PrometheusMeterRegistry registry) {
    this.enqueuer = enqueuer;
    this.token = token.getBytes(StandardCharsets.UTF_8);
    this.authFailures = new AuthFailures(Counter.builder("onec_enqueuer_auth_failures")
        .description("Enqueue requests refused for a missing or wrong bearer token").register(registry));
    this.routes = OpsHttpServer.opsRoutes(new Routes<Void>(), registry, Map.of("redis", enqueuer::ready))
        .post("/v1/orders/{id}/invoice-export", (call, none) -> enqueue(call, false))
        .post("/v1/orders/{id}/invoice-export/", (call, none) -> enqueue(call, false))
        .post("/v1/orders/{id}/invoice-cancel", (call, none) -> enqueue(call, true))
        .post("/v1/orders/{id}/invoice-cancel/", (call, none) -> enqueue(call, true));
  }

  /**
   * Binds {@code host:port} with {@link HttpLimits#enqueuer()} and serves; {@code registry} is the one the enqueuer
   * records into, served on {@code /metrics}.
   */
  public static EnqueuerHttpServer start(InvoiceEnqueuer enqueuer, String token, String host, int port,
      PrometheusMeterRegistry registry) throws IOException {
    return start(enqueuer, token, host, port, registry, HttpLimits.enqueuer());
  }

  /** As above with other limits (a trusted proxy, a smaller connection cap). */
  public static EnqueuerHttpServer start(InvoiceEnqueuer enqueuer, String token, String host, int port,
      PrometheusMeterRegistry registry, HttpLimits limits) throws IOException {
    EnqueuerHttpServer result = new EnqueuerHttpServer(enqueuer, token, registry);
    result.server = HardenedHttpServer.start("enqueuer", host, port, limits, result::handle, registry);
    return result;
  }

  public int port() {
    return server.port();
  }

  private void handle(HardenedHttpServer.Exchange exchange) throws Exception {
    Optional<Routes.Match<Void>> match = routes.match(exchange);
    if (match.isEmpty()) {
      send(exchange, 404, error("not found; POST /v1/orders/{id}/invoice-export or /v1/orders/{id}/invoice-cancel"));
      return;
    }
    switch (match.get()) {
      case Routes.Match.WrongMethod<Void> wrong ->
          send(exchange, 405, error("use " + wrong.allow()), "Allow", wrong.allow());
      case Routes.Match.Found<Void> found -> found.route().handle(found.call(), null);
    }
  }

  /** {@code cancel}: the cancellation of the order's invoice (after a refund), else its export. */
  private void enqueue(Routes.Call call, boolean cancel) {
    HardenedHttpServer.Exchange exchange = call.exchange();
    String authorization = exchange.header("Authorization");
    // Too many wrong tokens from this address: refused unchecked for a while (see AuthFailures), unless this is the
    // token already accepted from it (the payment processor's own).
    String seconds = authFailures.throttled(exchange.remoteAddress(), authorization);
    if (seconds != null) {
      send(exchange, 429, error("too many wrong tokens from this address: try again in " + seconds + " s"),
          "Retry-After", seconds);
      return;
    }
    if (!authorized(authorization)) {
      authFailed(exchange);
      send(exchange, 401, error("missing or wrong bearer token"), "WWW-Authenticate", "Bearer");
      return;
    }
    authFailures.accepted(exchange.remoteAddress(), AuthFailures.digest(authorization));
    OptionalLong id = OrderIds.parse(call.path("id"));
    if (id.isEmpty()) {
      send(exchange, 400, error(OrderIds.INVALID));
      return;
    }
    ObjectNode answer = Json.MAPPER.createObjectNode().put("order_id", id.getAsLong());
    try {
      // The caller's W3C trace context (validated by the library; an invalid one is ignored): the enqueue span
      // and, through the job, the worker's attempts and the call to 1C join the payment's trace.
      EnqueueStatus status = cancel ? enqueuer.cancel(id.getAsLong(), exchange.header("traceparent"))
          : enqueuer.enqueue(id.getAsLong(), exchange.header("traceparent"));
      boolean queued = status == EnqueueStatus.QUEUED;
      send(exchange, queued ? 202 : 200, answer.put("status", queued ? "queued" : "already_queued"));
    } catch (QueueUnavailableException e) {
      send(exchange, 503, answer.put("status", "unavailable").put("error", "Redis unreachable"));
    }
  }

  private static ObjectNode error(String message) {
    return Json.MAPPER.createObjectNode().put("error", message);
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

  private static void send(HardenedHttpServer.Exchange exchange, int status, ObjectNode body, String... headers) {
    exchange.respond(status, JSON, Json.write(body), headers);
  }

  @Override
  public void close() {
    server.close();
  }
}
