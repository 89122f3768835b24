package org.onecexporter.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.BindException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.onecexporter.config.ConfigException;
import org.onecexporter.http.HardenedHttpServer;
import org.onecexporter.http.HttpLimits;

/**
 * {@code /metrics} (Prometheus text), {@code /health/live} and {@code /health/ready} (every check passes) for a
 * worker process, on {@link HardenedHttpServer} with {@link HttpLimits#opsEndpoints()}: GET only, no body.
 */
public final class OpsHttpServer implements AutoCloseable {
  private final HardenedHttpServer server;

  private OpsHttpServer(HardenedHttpServer server) {
    this.server = server;
  }

  /**
   * Binds {@code port}; when {@code searchUpwards} (the port was not set explicitly), the next free port of the
   * following 50, so several workers on one host each get their own.
   */
  public static OpsHttpServer start(String host, int port, boolean searchUpwards, PrometheusMeterRegistry registry,
      Map<String, BooleanSupplier> readiness) throws IOException {
    return start(host, port, searchUpwards, registry, readiness, java.util.List::of);
  }

  /**
   * As above; {@code warnings} are shown in {@code /health/ready} ({@code "warnings":[…]}) without making the
   * process unready: something an operator must fix that does not stop the work (Redis may evict the queue).
   */
  public static OpsHttpServer start(String host, int port, boolean searchUpwards, PrometheusMeterRegistry registry,
      Map<String, BooleanSupplier> readiness, java.util.function.Supplier<java.util.List<String>> warnings)
      throws IOException {
    return start("WORKER_HTTP_PORT", host, port, searchUpwards, registry, readiness, warnings);
  }

  /** As above for another process; {@code portVariable} names the setting in the error when the port is taken. */
  public static OpsHttpServer start(String portVariable, String host, int port, boolean searchUpwards,
      PrometheusMeterRegistry registry, Map<String, BooleanSupplier> readiness) throws IOException {
    return start(portVariable, host, port, searchUpwards, registry, readiness, java.util.List::of);
  }

  private static OpsHttpServer start(String portVariable, String host, int port, boolean searchUpwards,
      PrometheusMeterRegistry registry, Map<String, BooleanSupplier> readiness,
      java.util.function.Supplier<java.util.List<String>> warnings) throws IOException {
    Map<String, BooleanSupplier> checks = new LinkedHashMap<>(readiness);
    int last = searchUpwards ? port + 50 : port;
    for (int candidate = port; ; candidate++) {
      try {
        return new OpsHttpServer(HardenedHttpServer.start("ops", host, candidate, HttpLimits.opsEndpoints(),
            exchange -> {
              if (!allowedHost(exchange.header("Host"), ALLOWED_HOSTS)) {
                exchange.respond(421, "text/plain; charset=utf-8", "not this host (set OPS_ALLOWED_HOSTS)");
              } else if (!handleOpsPath(exchange, registry, checks, warnings)) {
                exchange.respond(404, "text/plain; charset=utf-8", "GET /metrics, /health/live or /health/ready");
              }
            }, registry));
      } catch (BindException e) {
        if (candidate >= last) {
          throw new ConfigException(portVariable, "port " + port + (searchUpwards ? "-" + last : "")
              + " is in use on " + host);
        }
      }
    }
  }

  /** Host names the ops port answers besides IP addresses, localhost and one-label names (comma-separated). */
  private static final java.util.Set<String> ALLOWED_HOSTS = parseHosts(System.getenv("OPS_ALLOWED_HOSTS"));

  static java.util.Set<String> parseHosts(String value) {
    java.util.Set<String> hosts = new java.util.HashSet<>();
    if (value != null) {
      for (String h : value.split(",")) {
        if (!h.isBlank()) {
          hosts.add(h.strip().toLowerCase(java.util.Locale.ROOT));
        }
      }
    }
    return hosts;
  }

  /**
   * The {@code Host} a scraper or a probe sends: an IP address, {@code localhost}, a one-label name (a compose or
   * Kubernetes service name such as {@code worker}), or one of {@code extra}. A browser led to the port by DNS
   * rebinding sends the attacker's dotted name: refused (421), so a page elsewhere cannot read the counters.
   */
  static boolean allowedHost(String header, java.util.Set<String> extra) {
    if (header == null || header.isBlank()) {
      return false;
    }
    String host = header.strip().toLowerCase(java.util.Locale.ROOT);
    if (host.startsWith("[")) {
      return host.indexOf(']') > 0; // an IPv6 literal
    }
    int colon = host.lastIndexOf(':');
    if (colon >= 0) {
      host = host.substring(0, colon);
    }
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    return host.equals("localhost") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}") || host.matches("[a-z0-9_-]{1,63}")
        || extra.contains(host);
  }

  /** Handles the same three paths inside another server (the enqueuer's). */
  public static boolean handleOpsPath(HardenedHttpServer.Exchange exchange, PrometheusMeterRegistry registry,
      Map<String, BooleanSupplier> readiness) {
    return handleOpsPath(exchange, registry, readiness, java.util.List::of);
  }

  /** As above, with warnings in {@code /health/ready}. */
  public static boolean handleOpsPath(HardenedHttpServer.Exchange exchange, PrometheusMeterRegistry registry,
      Map<String, BooleanSupplier> readiness, java.util.function.Supplier<java.util.List<String>> warnings) {
    if (!exchange.method().equals("GET")) {
      return false;
    }
    switch (exchange.path()) {
      case "/metrics" -> exchange.respond(200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
      case "/health/live" -> exchange.respond(200, "application/json", "{\"status\":\"up\"}");
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
        java.util.List<String> warned = warnings.get();
        if (!warned.isEmpty()) {
          body.append("\"warnings\":").append(org.onecexporter.json.Json.write(warned)).append(',');
        }
        body.append("\"status\":\"").append(ready ? "ready" : "not ready").append("\"}");
        exchange.respond(ready ? 200 : 503, "application/json", body.toString());
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  public int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.close();
  }
}
