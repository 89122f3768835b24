package org.onecexporter.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.onecexporter.config.ConfigException;

/**
 * {@code /metrics} (Prometheus text), {@code /health/live} and {@code /health/ready} (every check passes) for a
 * worker process.
 */
public final class OpsHttpServer implements AutoCloseable {
  private final HttpServer server;
  private final PrometheusMeterRegistry registry;
  private final Map<String, BooleanSupplier> readiness;

  private OpsHttpServer(HttpServer server, PrometheusMeterRegistry registry, Map<String, BooleanSupplier> readiness) {
    this.server = server;
    this.registry = registry;
    this.readiness = new LinkedHashMap<>(readiness);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * Binds {@code port}; when {@code searchUpwards} (the port was not set explicitly), the next free port of the
   * following 50, so several workers on one host each get their own.
   */
  public static OpsHttpServer start(String host, int port, boolean searchUpwards, PrometheusMeterRegistry registry,
      Map<String, BooleanSupplier> readiness) throws IOException {
    int last = searchUpwards ? port + 50 : port;
    for (int candidate = port; ; candidate++) {
      try {
        return new OpsHttpServer(HttpServer.create(new InetSocketAddress(host, candidate), 64), registry, readiness);
      } catch (BindException e) {
        if (candidate >= last) {
          throw new ConfigException("WORKER_HTTP_PORT", "port " + port + (searchUpwards ? "-" + last : "")
              + " is in use on " + host);
        }
      }
    }
  }

  /** Handles the same three paths inside another server (the enqueuer's). */
  public static boolean handleOpsPath(HttpExchange exchange, PrometheusMeterRegistry registry,
      Map<String, BooleanSupplier> readiness) throws IOException {
    String path = exchange.getRequestURI().getPath();
    if (!exchange.getRequestMethod().equals("GET")) {
      return false;
    }
    switch (path) {
      case "/metrics" -> send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
      case "/health/live" -> send(exchange, 200, "application/json", "{\"status\":\"up\"}");
      case "/health/ready" -> {
        StringBuilder body = new StringBuilder("{");
        boolean ready = true;
        for (Map.Entry<String, BooleanSupplier> check : readiness.entrySet()) {
          boolean ok;
          try {
            ok = check.getValue().getAsBoolean();
          } catch (RuntimeException e) {
            ok = false;
          }
          ready &= ok;
          body.append('"').append(check.getKey()).append("\":\"").append(ok ? "up" : "down").append("\",");
        }
        body.append("\"status\":\"").append(ready ? "ready" : "not ready").append("\"}");
        send(exchange, ready ? 200 : 503, "application/json", body.toString());
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange; InputStream in = exchange.getRequestBody()) {
      in.readAllBytes();
      if (!handleOpsPath(exchange, registry, readiness)) {
        send(exchange, 404, "text/plain", "GET /metrics, /health/live or /health/ready");
      }
    }
  }

  private static void send(HttpExchange exchange, int status, String contentType, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
