package org.onecexporter.console;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.onecexporter.enqueuer.EnqueueStatus;
import org.onecexporter.enqueuer.InvoiceEnqueuer;
import org.onecexporter.http.AuthFailures;
import org.onecexporter.http.HardenedHttpServer;
import org.onecexporter.http.HttpLimits;
import org.onecexporter.json.Json;
import org.onecexporter.logging.LogSafe;
import org.onecexporter.queue.OrderIds;
import org.onecexporter.queue.QueueUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations console (issue 12): a few pages and the JSON API under them, on {@link HardenedHttpServer} with
 * {@link HttpLimits#console()}. HTTP Basic auth for every path: {@code operator} may change things, {@code viewer}
 * (when configured) only looks (403 on every POST). A POST whose {@code Origin} is another host, or whose
 * {@code Sec-Fetch-Site} is not same-origin, is refused (403): a browser would otherwise attach the Basic
 * credentials to a form another site submits. Pages load only what the console serves itself.
 */
public final class ConsoleServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);
  private static final String JSON = "application/json; charset=utf-8";
  private static final Pattern ORDER_ID = Pattern.compile("[1-9][0-9]{0,17}");
  private static final Pattern ORDER_PAGE = Pattern.compile("/orders/([^/]+)/?");
  private static final Pattern API_ORDER = Pattern.compile("/api/orders/([^/]+)");
  private static final Pattern API_ORDER_EXPORT = Pattern.compile("/api/orders/([^/]+)/export");
  private static final Pattern API_DLQ_REQUEUE_ONE = Pattern.compile("/api/dlq/([^/]{1,64})/requeue");
  private static final String REALM = "Basic realm=\"onec-exporter console\", charset=\"UTF-8\"";
  private static final Map<String, String> ASSETS = Map.of(
      "/assets/app.js", "text/javascript; charset=utf-8",
      "/assets/app.css", "text/css; charset=utf-8",
      "/assets/favicon.svg", "image/svg+xml");
  /** Every answer: nothing from elsewhere, no framing, no sniffing, no caching of customers' orders. */
  private static final String[] SECURITY_HEADERS = {
      "Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
          + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
      "X-Frame-Options", "DENY",
      "X-Content-Type-Options", "nosniff",
      "Referrer-Policy", "no-referrer",
      "Cache-Control", "no-store"};

  /** Who is asking. */
  enum Role { OPERATOR, VIEWER }

  private final OperationsData data;
  private final InvoiceEnqueuer enqueuer;
  private final byte[] operatorDigest;
  private final byte[] viewerDigest;
  private final HardenedHttpServer server;
  private final Map<String, String> assets = new HashMap<>();
  private final String shell;
  private final AuthFailures authFailures;

  public ConsoleServer(ConsoleConfig config, OperationsData data, InvoiceEnqueuer enqueuer, MeterRegistry registry)
      throws IOException {
    this.data = data;
    this.enqueuer = enqueuer;
    this.operatorDigest = digest("operator", config.operatorPassword());
    this.viewerDigest = config.viewerPassword().map(p -> digest("viewer", p)).orElse(null);
    for (String path : ASSETS.keySet()) {
      assets.put(path, resource("/console" + path.substring("/assets".length())));
    }
    this.shell = resource("/console/page.html");
    this.authFailures = new AuthFailures(authFailuresCounter(registry));
    this.server = HardenedHttpServer.start("console", config.host(), config.port(), HttpLimits.console().withTrustedProxies(config.trustedProxies()),
        this::handle, registry);
  }

  /**
   * {@code onec_console_auth_failures_total}: requests refused for missing or wrong credentials, and those refused
   * unchecked while their address is paused for guessing (429).
   */
  public static Counter authFailuresCounter(MeterRegistry registry) {
    return Counter.builder("onec_console_auth_failures")
        .description("Console requests refused for missing or wrong credentials (429 while paused included)")
        .register(registry);
  }

  public int port() {
    return server.port();
  }

  private void handle(HardenedHttpServer.Exchange exchange) {
    String authorization = exchange.header("Authorization");
    // Too many wrong passwords from this address: refused unchecked for a while (see AuthFailures), unless these
    // are the credentials already accepted from it (the operator's signed-in browser).
    String seconds = authFailures.throttled(exchange.remoteAddress(), authorization);
    if (seconds != null) {
      send(exchange, 429, JSON, "{\"error\":\"too many wrong passwords from this address: try again in " + seconds
          + " s\"}", "Retry-After", seconds);
      return;
    }
    Optional<Role> role = authenticate(authorization);
    if (role.isEmpty()) {
      authFailed(exchange);
      send(exchange, 401, JSON, "{\"error\":\"sign in: user operator or viewer\"}", "WWW-Authenticate", REALM);
      return;
    }
    authFailures.accepted(exchange.remoteAddress(), AuthFailures.digest(authorization));
    try {
      route(exchange, role);
    } catch (org.redisson.client.RedisException | QueueUnavailableException e) {
      LOG.warn("console: Redis unavailable: {}", e.getMessage());
      send(exchange, 503, JSON, "{\"error\":\"Redis unreachable\"}");
    } catch (org.jdbi.v3.core.ConnectionException e) {
      LOG.warn("console: PostgreSQL unavailable: {}", e.getMessage());
      send(exchange, 503, JSON, "{\"error\":\"PostgreSQL unreachable\"}");
    }
  }

  private void route(HardenedHttpServer.Exchange exchange, Optional<Role> role) {
    String method = exchange.method();
    String path = exchange.path();
    Map<String, String> query = query(exchange.query());
    switch (method) {
      case "GET", "HEAD" -> get(exchange, role.get(), path, query);
      case "POST" -> {
        String refusal = crossSite(exchange);
        if (refusal != null) {
          send(exchange, 403, JSON, "{\"error\":\"" + refusal + "\"}");
        } else if (role.get() != Role.OPERATOR) {
          send(exchange, 403, JSON, "{\"error\":\"the viewer may look but not change anything\"}");
        } else {
          post(exchange, path, query);
        }
      }
      default -> send(exchange, 405, JSON, "{\"error\":\"use GET or POST\"}", "Allow", "GET, HEAD, POST");
    }
  }

  private void get(HardenedHttpServer.Exchange exchange, Role role, String path, Map<String, String> query) {
    String asset = assets.get(path);
    if (asset != null) {
      send(exchange, 200, ASSETS.get(path), asset);
      return;
    }
    if (path.equals("/api/dlq/requeue-all") || path.equals("/api/dlq/requeue")) {
      send(exchange, 405, JSON, "{\"error\":\"use POST\"}", "Allow", "POST");
      return;
    }
    Matcher orderPage = ORDER_PAGE.matcher(path);
    Matcher apiOrder = API_ORDER.matcher(path);
    if (path.equals("/") || path.equals("/dlq") || orderPage.matches()) {
      String page = path.equals("/") ? "overview" : path.equals("/dlq") ? "dlq" : "order";
      String order = orderPage.matches() ? orderPage.group(1) : "";
      page(exchange, role, page, order, query);
    } else if ((path.equals("/search") || path.equals("/api/search"))
        && hasControl(query.getOrDefault("q", "").strip())) {
      // A NUL reaches PostgreSQL as an invalid string (500); no id or invoice number has a control character.
      send(exchange, 400, JSON, "{\"error\":\"the search may not contain control characters\"}");
    } else if (path.equals("/search")) {
      String q = query.getOrDefault("q", "");
      Optional<Long> found = data.find(q);
      if (found.isPresent()) {
        send(exchange, 302, "text/plain; charset=utf-8", "", "Location", "/orders/" + found.get());
      } else {
        page(exchange, role, "search", "", query);
      }
    } else if (path.equals("/api/overview")) {
      ObjectNode overview = data.overview();
      overview.putObject("user").put("name", role.name().toLowerCase(Locale.ROOT))
          .put("can_change", role == Role.OPERATOR);
      json(exchange, 200, overview);
    } else if (path.equals("/api/dlq")) {
      int limit = number(query.get("limit"), 50, 1, 1000);
      // cursor: a position in the DLQ (0: the newest), as next_cursor answers; offset: its older name
      int cursor = number(query.getOrDefault("cursor", query.get("offset")), 0, 0, Integer.MAX_VALUE);
      json(exchange, 200, data.dlq(query.getOrDefault("reason", ""), limit, cursor));
    } else if (path.equals("/api/search")) {
      Optional<Long> found = data.find(query.getOrDefault("q", ""));
      if (found.isPresent()) {
        send(exchange, 200, JSON, "{\"order_id\":" + found.get() + "}");
      } else {
        send(exchange, 404, JSON, "{\"error\":\"no order with this id or invoice number\"}");
      }
    } else if (apiOrder.matches()) {
      String id = apiOrder.group(1);
      if (!ORDER_ID.matcher(id).matches()) {
        send(exchange, 400, JSON, "{\"error\":\"order id must be a positive integer\"}");
        return;
      }
      ObjectNode status = data.status(Long.parseLong(id));
      if (status.get("order").isNull()) {
        send(exchange, 404, JSON, "{\"order_id\":" + id + ",\"error\":\"order not found\"}");
      } else {
        json(exchange, 200, status);
      }
    } else {
      send(exchange, 404, JSON, "{\"error\":\"not found\"}");
    }
  }

  /** Any C0 control character or DEL. */
  static boolean hasControl(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return true;
      }
    }
    return false;
  }

  private void post(HardenedHttpServer.Exchange exchange, String path, Map<String, String> query) {
    String who = "operator from " + LogSafe.text(exchange.remoteAddress(), 64);
    Matcher one = API_DLQ_REQUEUE_ONE.matcher(path);
    Matcher export = API_ORDER_EXPORT.matcher(path);
    if (path.equals("/api/dlq/requeue-all")) {
      long n = data.queue().requeueAll();
      LOG.atInfo().addKeyValue("user", "operator").addKeyValue("remote_address", exchange.remoteAddress())
          .log("console: {} requeued every DLQ entry ({})", who, n);
      send(exchange, 200, JSON, "{\"requeued\":" + n + "}");
    } else if (path.equals("/api/dlq/requeue")) {
      String reason = query.getOrDefault("reason", "");
      if (reason.isEmpty() || reason.length() > 64) {
        send(exchange, 400, JSON, "{\"error\":\"say which reason: ?reason=exhausted\"}");
        return;
      }
      long n = data.queue().requeueReason(reason);
      LOG.atInfo().addKeyValue("user", "operator").addKeyValue("remote_address", exchange.remoteAddress())
          .log("console: {} requeued {} DLQ entr{} of reason {}", who, n, n == 1 ? "y" : "ies",
              LogSafe.text(reason, 64));
      send(exchange, 200, JSON, "{\"requeued\":" + n + "}");
    } else if (one.matches()) {
      String id = one.group(1);
      if (!OrderIds.valid(id)) {
        send(exchange, 400, JSON, "{\"error\":\"" + OrderIds.INVALID + "\"}");
        return;
      }
      long n = data.queue().requeue(id);
      LOG.atInfo().addKeyValue("user", "operator").addKeyValue("remote_address", exchange.remoteAddress())
          .log("console: {} requeued order {} from the DLQ ({})", who, LogSafe.id(id), n);
      send(exchange, n == 0 ? 404 : 200, JSON, n == 0
          ? "{\"requeued\":0,\"error\":\"no DLQ entry for this order\"}" : "{\"requeued\":" + n + "}");
    } else if (export.matches()) {
      exportOrder(exchange, export.group(1));
    } else {
      send(exchange, 404, JSON, "{\"error\":\"not found\"}");
    }
  }

  /** Queues a paid, unexported order through the enqueuer (the same code payment processors call). */
  private void exportOrder(HardenedHttpServer.Exchange exchange, String id) {
    if (!ORDER_ID.matcher(id).matches()) {
      send(exchange, 400, JSON, "{\"error\":\"order id must be a positive integer\"}");
      return;
    }
    long orderId = Long.parseLong(id);
    Optional<ObjectNode> order = data.order(orderId);
    if (order.isEmpty()) {
      send(exchange, 404, JSON, "{\"order_id\":" + id + ",\"status\":\"not_found\"}");
    } else if (order.get().path("invoice_exported_to_1c").asBoolean()) {
      send(exchange, 409, JSON, "{\"order_id\":" + id + ",\"status\":\"already_exported\"}");
    } else if (!order.get().path("paid").asBoolean()) {
      send(exchange, 409, JSON, "{\"order_id\":" + id + ",\"status\":\"not_paid\"}");
    } else {
      try {
        EnqueueStatus status = enqueuer.enqueue(orderId);
        boolean queued = status == EnqueueStatus.QUEUED;
        LOG.atInfo().addKeyValue("user", "operator").addKeyValue("remote_address", exchange.remoteAddress())
            .log("console: operator from {} asked for the export of order {}: {}",
                LogSafe.text(exchange.remoteAddress(), 64), orderId, queued ? "queued" : "already queued");
        send(exchange, queued ? 202 : 200, JSON, "{\"order_id\":" + id + ",\"status\":\""
            + (queued ? "queued" : "already_queued") + "\"}");
      } catch (QueueUnavailableException e) {
        send(exchange, 503, JSON, "{\"order_id\":" + id + ",\"status\":\"unavailable\",\"error\":\"Redis unreachable\"}");
      }
    }
  }

  /**
   * Why a state-changing request looks cross-site, or null: {@code Sec-Fetch-Site} other than same-origin (or
   * none, a user's own navigation), or an {@code Origin} whose host differs from the request's {@code Host}.
   */
  static String crossSite(HardenedHttpServer.Exchange exchange) {
    String site = exchange.header("Sec-Fetch-Site");
    if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) {
      return "cross-site request refused (Sec-Fetch-Site: " + LogSafe.text(site, 20) + ")";
    }
    String origin = exchange.header("Origin");
    if (origin != null) {
      String host = exchange.header("Host");
      String originHost;
      String originScheme;
      try {
        URI uri = URI.create(origin.strip());
        originHost = uri.getRawAuthority();
        originScheme = uri.getScheme();
      } catch (IllegalArgumentException e) {
        originHost = null;
        originScheme = null;
      }
      // The scheme too: http://host and https://host share the authority when both use their default port, and a
      // page on the plain-HTTP one (anyone on the network can write it) must not post to the console.
      if (host == null || originHost == null || !originHost.equalsIgnoreCase(host.strip())
          || !exchange.scheme().equalsIgnoreCase(originScheme)) {
        return "cross-site request refused (Origin is not this console)";
      }
    }
    return null;
  }

  private void page(HardenedHttpServer.Exchange exchange, Role role, String page, String order,
      Map<String, String> query) {
    String lang = query.get("lang");
    String cookie = null;
    if ("ru".equals(lang) || "en".equals(lang)) {
      cookie = "lang=" + lang + "; Path=/; Max-Age=31536000; SameSite=Strict";
    } else {
      lang = language(exchange.header("Cookie"), exchange.header("Accept-Language"));
    }
    String html = shell.replace("{{lang}}", lang).replace("{{page}}", page)
        .replace("{{order}}", escape(order)).replace("{{role}}", role.name().toLowerCase(Locale.ROOT))
        .replace("{{q}}", escape(query.getOrDefault("q", "")));
    if (cookie == null) {
      send(exchange, 200, "text/html; charset=utf-8", html);
    } else {
      send(exchange, 200, "text/html; charset=utf-8", html, "Set-Cookie", cookie);
    }
  }

  /** {@code ru} or {@code en}: the switch's cookie first, then the browser's preference; English by default. */
  static String language(String cookieHeader, String acceptLanguage) {
    if (cookieHeader != null) {
      for (String part : cookieHeader.split(";")) {
        String c = part.strip();
        if (c.equals("lang=ru") || c.equals("lang=en")) {
          return c.substring(5);
        }
      }
    }
    if (acceptLanguage != null) {
      String best = "en";
      double bestQ = -1;
      for (String range : acceptLanguage.split(",")) {
        String[] parts = range.strip().split(";");
        String tag = parts[0].strip().toLowerCase(Locale.ROOT);
        double q = 1.0;
        for (int i = 1; i < parts.length; i++) {
          String p = parts[i].strip();
          if (p.startsWith("q=")) {
            try {
              q = Double.parseDouble(p.substring(2));
            } catch (NumberFormatException e) {
              q = 0;
            }
          }
        }
        String primary = tag.split("-")[0];
        if ((primary.equals("ru") || primary.equals("en")) && q > bestQ) {
          best = primary;
          bestQ = q;
        }
      }
      return best;
    }
    return "en";
  }

  Optional<Role> authenticate(String header) {
    if (header == null) {
      return Optional.empty();
    }
    String value = header.strip();
    if (value.length() < 7 || !value.regionMatches(true, 0, "Basic", 0, 5)
        || !Character.isWhitespace(value.charAt(5))) {
      return Optional.empty();
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(value.substring(6).strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return Optional.empty();
    }
    byte[] presented = digest(decoded.substring(0, colon), decoded.substring(colon + 1));
    // Both compared every time, in constant time: the answer's timing says nothing about which one matched.
    boolean operator = MessageDigest.isEqual(operatorDigest, presented);
    boolean viewer = viewerDigest != null && MessageDigest.isEqual(viewerDigest, presented);
    return operator ? Optional.of(Role.OPERATOR) : viewer ? Optional.of(Role.VIEWER) : Optional.empty();
  }

  private static byte[] digest(String user, String password) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(user.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      return sha.digest(password.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Counted always; logged at most once per 10 s, never with what was presented. */
  private void authFailed(HardenedHttpServer.Exchange exchange) {
    // A browser's first request, before it asks the user, carries no credentials: counted, not logged.
    long count = authFailures.refused(exchange.remoteAddress(), exchange.header("Authorization") != null);
    if (count > 0) {
      LOG.atWarn().addKeyValue("outcome", "auth_failed").addKeyValue("failures", count)
          .addKeyValue("remote_address", LogSafe.text(exchange.remoteAddress(), 64))
          .log("console: refused {} request(s) with wrong credentials (last from {})", count,
              LogSafe.text(exchange.remoteAddress(), 64));
    }
  }

  private static void json(HardenedHttpServer.Exchange exchange, int status, ObjectNode body) {
    send(exchange, status, JSON, Json.write(body));
  }

  private static void send(HardenedHttpServer.Exchange exchange, int status, String type, String body,
      String... headers) {
    String[] all = new String[SECURITY_HEADERS.length + headers.length];
    System.arraycopy(SECURITY_HEADERS, 0, all, 0, SECURITY_HEADERS.length);
    System.arraycopy(headers, 0, all, SECURITY_HEADERS.length, headers.length);
    exchange.respond(status, type, "HEAD".equals(exchange.method()) ? "" : body, all);
  }

  static Map<String, String> query(String raw) {
    Map<String, String> result = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return result;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        result.putIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8),
            URLDecoder.decode(value, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException malformed) {
        // a bad escape: ignore the parameter
      }
    }
    return result;
  }

  private static int number(String value, int defaultValue, int min, int max) {
    if (value == null || !value.matches("\\d{1,9}")) {
      return defaultValue;
    }
    return Math.max(min, Math.min(max, Integer.parseInt(value)));
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static String resource(String name) {
    try (InputStream in = ConsoleServer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing console resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
