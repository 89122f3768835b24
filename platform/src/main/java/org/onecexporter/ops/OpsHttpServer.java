package org.onecexporter.ops;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.BindException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.onecexporter.config.ConfigException;
import org.onecexporter.http.HardenedHttpServer;
import org.onecexporter.http.HttpLimits;
import org.onecexporter.http.Routes;
import org.onecexporter.json.Json;

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
    Routes<Void> routes = opsRoutes(new Routes<>(), registry, readiness, warnings);
    int last = searchUpwards ? port + 50 : port;
    for (int candidate = port; ; candidate++) {
      try {
        return new OpsHttpServer(HardenedHttpServer.start("ops", host, candidate, HttpLimits.opsEndpoints(),
            exchange -> {
              if (!allowedHost(exchange.header("Host"), ALLOWED_HOSTS)) {
                exchange.respond(421, "text/plain; charset=utf-8", "not this host (set OPS_ALLOWED_HOSTS)");
                return;
              }
              switch (routes.match(exchange).orElse(null)) {
                case null -> exchange.respond(404, "text/plain; charset=utf-8",
                    "GET /metrics, /health/live or /health/ready");
                case Routes.Match.WrongMethod<Void> wrong ->
                    exchange.respond(405, "text/plain; charset=utf-8", "use " + wrong.allow(), "Allow", wrong.allow());
                case Routes.Match.Found<Void> found -> found.route().handle(found.call(), null);
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

  /** Adds {@code GET /metrics}, {@code /health/live} and {@code /health/ready} to {@code routes} (another server's). */
  public static <C> Routes<C> opsRoutes(Routes<C> routes, PrometheusMeterRegistry registry,
      Map<String, BooleanSupplier> readiness) {
    return opsRoutes(routes, registry, readiness, java.util.List::of);
  }

  /** As above, with warnings in {@code /health/ready}. */
  public static <C> Routes<C> opsRoutes(Routes<C> routes, PrometheusMeterRegistry registry,
      Map<String, BooleanSupplier> readiness, java.util.function.Supplier<java.util.List<String>> warnings) {
    Map<String, BooleanSupplier> checks = new LinkedHashMap<>(readiness);
    return routes
        .get("/metrics", (call, context) -> call.exchange().respond(200, "text/plain; version=0.0.4; charset=utf-8",
            registry.scrape()))
        .get("/health/live", (call, context) -> call.exchange().respond(200, "application/json",
            Json.write(Json.MAPPER.createObjectNode().put("status", "up"))))
        .get("/health/ready", (call, context) -> {
          ObjectNode body = Json.MAPPER.createObjectNode();
          boolean ready = true;
          for (Map.Entry<String, BooleanSupplier> check : checks.entrySet()) {
            boolean ok;
            try {
              ok = check.getValue().getAsBoolean();
            } catch (RuntimeException e) {
              ok = false;
            }
            ready &= ok;
            body.put(check.getKey(), ok ? "up" : "down");
          }
          java.util.List<String> warned = warnings.get();
          if (!warned.isEmpty()) {
            body.set("warnings", Json.MAPPER.valueToTree(warned));
          }
          body.put("status", ready ? "ready" : "not ready");
          call.exchange().respond(ready ? 200 : 503, "application/json", Json.write(body));
        });
  }

  public int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.close();
  }
}
