package org.onecexporter.enqueuer;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.onecexporter.queue.QueueUnavailableException;

/**
 * The enqueuer over HTTP, for payment processors in other languages:
 * {@code POST /v1/orders/{id}/invoice-export} with {@code Authorization: Bearer <ENQUEUER_TOKEN>} answers 202
 * (queued), 200 (already queued), 400 (bad id), 401 (no or wrong token), 503 (Redis unreachable). Also
 * {@code GET /metrics}, {@code GET /health/live} and {@code GET /health/ready} (Redis reachable).
 */
public final class EnqueuerHttpServer implements AutoCloseable {
  private static final Pattern ROUTE = Pattern.compile("/v1/orders/([^/]+)/invoice-export/?");
  private static final Pattern ORDER_ID = Pattern.compile("[1-9][0-9]{0,17}");

  private final InvoiceEnqueuer enqueuer;
  private final byte[] token;
  private final HttpServer server;
  private final io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry;

  public EnqueuerHttpServer(InvoiceEnqueuer enqueuer, String token, String host, int port) throws IOException {
    this(enqueuer, token, host, port, new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
        io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT));
  }

  /** {@code registry} is the one the enqueuer records into; it is served on {@code /metrics}. */
  public EnqueuerHttpServer(InvoiceEnqueuer enqueuer, String token, String host, int port,
      io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry) throws IOException {
    this.enqueuer = enqueuer;
    this.registry = registry;
    this.token = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    this.server = HttpServer.create(new InetSocketAddress(host, port), 1024);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
  }

  public EnqueuerHttpServer start() {
    server.start();
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange; InputStream body = exchange.getRequestBody()) {
      body.readAllBytes();
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      if (org.onecexporter.ops.OpsHttpServer.handleOpsPath(exchange, registry,
          java.util.Map.of("redis", enqueuer::ready))) {
        return;
      }
      Matcher route = ROUTE.matcher(path);
      if (!route.matches()) {
        send(exchange, 404, "{\"error\":\"not found; POST /v1/orders/{id}/invoice-export\"}");
        return;
      }
      if (!method.equals("POST")) {
        exchange.getResponseHeaders().set("Allow", "POST");
        send(exchange, 405, "{\"error\":\"use POST\"}");
        return;
      }
      if (!authorized(exchange)) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        send(exchange, 401, "{\"error\":\"missing or wrong bearer token\"}");
        return;
      }
      String id = route.group(1);
      if (!ORDER_ID.matcher(id).matches()) {
        send(exchange, 400, "{\"error\":\"order id must be a positive integer\"}");
        return;
      }
      try {
        EnqueueStatus status = enqueuer.enqueue(Long.parseLong(id));
        boolean queued = status == EnqueueStatus.QUEUED;
        send(exchange, queued ? 202 : 200, "{\"order_id\":" + id + ",\"status\":\""
            + (queued ? "queued" : "already_queued") + "\"}");
      } catch (QueueUnavailableException e) {
        send(exchange, 503, "{\"order_id\":" + id + ",\"status\":\"unavailable\",\"error\":\"Redis unreachable\"}");
      }
    }
  }

  private boolean authorized(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    return header != null && MessageDigest.isEqual(token, header.trim().getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(1);
  }
}
