package org.onecexporter.console;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.onecexporter.enqueuer.EnqueueStatus;
import org.onecexporter.enqueuer.InvoiceEnqueuer;
import org.onecexporter.http.AuthFailures;
import org.onecexporter.http.HardenedHttpServer;
import org.onecexporter.http.HttpLimits;
import org.onecexporter.http.Routes;
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
  private final Routes<Role> routes;

  public ConsoleServer(ConsoleConfig config, OperationsData data, InvoiceEnqueuer enqueuer, MeterRegistry registry)
      throws IOException {
    this.data = data;
    this.enqueuer = enqueuer;
    this.operatorDigest = digest("operator", config.operatorPassword());
    this.viewerDigest = config.viewerPassword().map(p -> digest("viewer", p)).orElse(null);
    for (String path : ASSETS.keySet()) {
      assets.put(path, resource("/console" + path.substring("/assets".length())));
    }
    this.shell = resource("/console/page.html").replace("{{messages}}", messages());
    this.authFailures = new AuthFailures(authFailuresCounter(registry));
    this.routes = routes();
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

  private void handle(HardenedHttpServer.Exchange exchange) throws Exception {
    String authorization = exchange.header("Authorization");
    // Too many wrong passwords from this address: refused unchecked for a while (see AuthFailures), unless these
    // are the credentials already accepted from it (the operator's signed-in browser).
    String seconds = authFailures.throttled(exchange.remoteAddress(), authorization);
    if (seconds != null) {
      json(exchange, 429, error("too many wrong passwords from this address: try again in " + seconds + " s"),
          "Retry-After", seconds);
      return;
    }
    Optional<Role> role = authenticate(authorization);
    if (role.isEmpty()) {
      authFailed(exchange);
      json(exchange, 401, error("sign in: user operator or viewer"), "WWW-Authenticate", REALM);
      return;
    }
    authFailures.accepted(exchange.remoteAddress(), AuthFailures.digest(authorization));
    Optional<Routes.Match<Role>> match = routes.match(exchange);
    if (match.isEmpty()) {
      json(exchange, 404, error("not found"));
      return;
    }
    switch (match.get()) {
      case Routes.Match.WrongMethod<Role> wrong ->
          json(exchange, 405, error("use " + wrong.allow()), "Allow", wrong.allow());
      case Routes.Match.Found<Role> found -> {
        if (exchange.method().equals("POST")) {
          String refusal = crossSite(exchange);
          if (refusal != null) {
            json(exchange, 403, error(refusal));
            return;
          }
          if (role.get() != Role.OPERATOR) {
            json(exchange, 403, error("the viewer may look but not change anything"));
            return;
          }
        }
        try {
          found.route().handle(found.call(), role.get());
        } catch (org.redisson.client.RedisException | QueueUnavailableException e) {
          LOG.warn("console: Redis unavailable: {}", e.getMessage());
          json(exchange, 503, error("Redis unreachable"));
        } catch (org.jdbi.v3.core.ConnectionException e) {
          String server = data.serverName();
          LOG.warn("console: {} unavailable: {}", server, e.getMessage());
          json(exchange, 503, error(server + " unreachable"));
        }
      }
    }
  }

  /** Every page, asset and API call of the console. */
  private Routes<Role> routes() {
    Routes<Role> table = new Routes<>();
    for (Map.Entry<String, String> asset : ASSETS.entrySet()) {
      String body = assets.get(asset.getKey());
      table.get(asset.getKey(), (call, role) -> send(call.exchange(), 200, asset.getValue(), body));
    }
    table.get("/", (call, role) -> page(call, role, "overview", ""))
        .get("/dlq", (call, role) -> page(call, role, "dlq", ""))
        .get("/orders/{id}", (call, role) -> page(call, role, "order", call.path("id")))
        .get("/orders/{id}/", (call, role) -> page(call, role, "order", call.path("id")))
        .get("/search", this::searchPage)
        .get("/api/search", this::search)
        .get("/api/overview", this::overview)
        .get("/api/charts", this::charts)
        .get("/api/dlq", this::dlq)
        .get("/api/orders/{id}", this::order)
        .post("/api/orders/{id}/export", this::exportOrder)
        .post("/api/dlq/{id}/requeue", this::requeueOne)
        .post("/api/dlq/requeue", this::requeueReason)
        .post("/api/dlq/requeue-all", this::requeueAll);
    return table;
  }

  private static ObjectNode error(String message) {
    return Json.MAPPER.createObjectNode().put("error", message);
  }

  /** The search text, or empty after answering 400: a NUL reaches PostgreSQL as an invalid string (500). */
  private static Optional<String> searchText(Routes.Call call) {
    String q = call.query("q", "");
    if (hasControl(q.strip())) {
      json(call.exchange(), 400, error("the search may not contain control characters"));
      return Optional.empty();
    }
    return Optional.of(q);
  }

  private void searchPage(Routes.Call call, Role role) {
    Optional<String> q = searchText(call);
    if (q.isEmpty()) {
      return;
    }
    Optional<Long> found = data.find(q.get());
    if (found.isPresent()) {
      send(call.exchange(), 302, "text/plain; charset=utf-8", "", "Location", "/orders/" + found.get());
    } else {
      page(call, role, "search", "");
    }
  }

  private void search(Routes.Call call, Role role) {
    Optional<String> q = searchText(call);
    if (q.isEmpty()) {
      return;
    }
    Optional<Long> found = data.find(q.get());
    if (found.isPresent()) {
      json(call.exchange(), 200, Json.MAPPER.createObjectNode().put("order_id", found.get()));
    } else {
      json(call.exchange(), 404, error("no order with this id or invoice number"));
    }
  }

  private void overview(Routes.Call call, Role role) {
    ObjectNode overview = data.overview();
    overview.putObject("user").put("name", role.name().toLowerCase(Locale.ROOT))
        .put("can_change", role == Role.OPERATOR);
    json(call.exchange(), 200, overview);
  }

  /** {@code ?hours=} 1, 3 (the default), 6, 12 or 24; anything else is refused, so every answer is a kept one. */
  private void charts(Routes.Call call, Role role) {
    String hours = call.query("hours", Integer.toString(Charts.DEFAULT_HOURS));
    if (!hours.matches("\\d{1,2}") || !Charts.WINDOWS_HOURS.contains(Integer.parseInt(hours))) {
      json(call.exchange(), 400, error("hours: one of " + Charts.WINDOWS_HOURS));
      return;
    }
    json(call.exchange(), 200, data.charts(Integer.parseInt(hours)));
  }

  private void dlq(Routes.Call call, Role role) {
    int limit = number(call.query("limit", null), 50, 1, 1000);
    // cursor: a position in the DLQ (0: the newest), as next_cursor answers; offset: its older name
    int cursor = number(call.query("cursor", call.query("offset", null)), 0, 0, Integer.MAX_VALUE);
    json(call.exchange(), 200, data.dlq(call.query("reason", ""), limit, cursor));
  }

  /** The order id of the path, or empty after answering 400. */
  private static OptionalLong orderId(Routes.Call call) {
    OptionalLong id = OrderIds.parse(call.path("id"));
    if (id.isEmpty()) {
      json(call.exchange(), 400, error(OrderIds.INVALID));
    }
    return id;
  }

  private void order(Routes.Call call, Role role) {
    OptionalLong id = orderId(call);
    if (id.isEmpty()) {
      return;
    }
    ObjectNode status = data.status(id.getAsLong());
    if (status.get("order").isNull()) {
      json(call.exchange(), 404, Json.MAPPER.createObjectNode().put("order_id", id.getAsLong())
          .put("error", "order not found"));
    } else {
      json(call.exchange(), 200, status);
    }
  }

  private static String who(HardenedHttpServer.Exchange exchange) {
    return "operator from " + LogSafe.text(exchange.remoteAddress(), 64);
  }

  private void requeueAll(Routes.Call call, Role role) {
    HardenedHttpServer.Exchange exchange = call.exchange();
    long n = data.queue().deadLetters().requeueAll();
    LOG.atInfo().addKeyValue("user", "operator").addKeyValue("remote_address", exchange.remoteAddress())
        .log("console: {} requeued every DLQ entry ({})", who(exchange), n);
    json(exchange, 200, Json.MAPPER.createObjectNode().put("requeued", n));
  }

  private void requeueReason(Routes.Call call, Role role) {
    HardenedHttpServer.Exchange exchange = call.exchange();
    String reason = call.query("reason", "");
    if (reason.isEmpty() || reason.length() > 64) {
      json(exchange, 400, error("say which reason: ?reason=exhausted"));
      return;
    }
    long n = data.queue().deadLetters().requeueReason(reason);
    LOG.atInfo().addKeyValue("user", "operator").addKeyValue("remote_address", exchange.remoteAddress())
        .log("console: {} requeued {} DLQ entr{} of reason {}", who(exchange), n, n == 1 ? "y" : "ies",
            LogSafe.text(reason, 64));
    json(exchange, 200, Json.MAPPER.createObjectNode().put("requeued", n));
  }

  /** One DLQ entry back to the queue: an order's export ({@code /api/dlq/42/requeue}) or its cancellation
   * ({@code /api/dlq/cancel:42/requeue}). */
  private void requeueOne(Routes.Call call, Role role) {
    HardenedHttpServer.Exchange exchange = call.exchange();
    Optional<org.onecexporter.queue.JobIds.JobId> id = org.onecexporter.queue.JobIds.parse(call.path("id"));
    if (id.isEmpty()) {
      json(exchange, 400, error(OrderIds.INVALID));
      return;
    }
    long n = data.queue().deadLetters().requeue(id.get().wire());
    LOG.atInfo().addKeyValue("user", "operator").addKeyValue("remote_address", exchange.remoteAddress())
        .log("console: {} requeued order {}{} from the DLQ ({})", who(exchange), id.get().orderId(),
            id.get().kind() == org.onecexporter.queue.JobIds.Kind.CANCEL ? " (its invoice's cancellation)" : "", n);
    ObjectNode answer = Json.MAPPER.createObjectNode().put("requeued", n);
    if (n == 0) {
      answer.put("error", "no DLQ entry for this order");
    }
    json(exchange, n == 0 ? 404 : 200, answer);
  }

  /** Queues a paid, unexported order through the enqueuer (the same code payment processors call). */
  private void exportOrder(Routes.Call call, Role role) {
    HardenedHttpServer.Exchange exchange = call.exchange();
    OptionalLong id = orderId(call);
    if (id.isEmpty()) {
      return;
    }
    long orderId = id.getAsLong();
    ObjectNode answer = Json.MAPPER.createObjectNode().put("order_id", orderId);
    Optional<ObjectNode> order = data.order(orderId);
    if (order.isEmpty()) {
      json(exchange, 404, answer.put("status", "not_found"));
    } else if (order.get().path("invoice_exported_to_1c").asBoolean()) {
      json(exchange, 409, answer.put("status", "already_exported"));
    } else if (!order.get().path("paid").asBoolean()) {
      json(exchange, 409, answer.put("status", "not_paid"));
    } else {
      try {
        EnqueueStatus status = enqueuer.enqueue(orderId);
        boolean queued = status == EnqueueStatus.QUEUED;
        LOG.atInfo().addKeyValue("user", "operator").addKeyValue("remote_address", exchange.remoteAddress())
            .log("console: {} asked for the export of order {}: {}", who(exchange), orderId,
                queued ? "queued" : "already queued");
        json(exchange, queued ? 202 : 200, answer.put("status", queued ? "queued" : "already_queued"));
      } catch (QueueUnavailableException e) {
        json(exchange, 503, answer.put("status", "unavailable").put("error", "Redis unreachable"));
      }
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

  private void page(Routes.Call call, Role role, String page, String order) {
    HardenedHttpServer.Exchange exchange = call.exchange();
    String lang = call.query("lang", null);
    String cookie = null;
    if ("ru".equals(lang) || "en".equals(lang)) {
      cookie = "lang=" + lang + "; Path=/; Max-Age=31536000; SameSite=Strict";
    } else {
      lang = language(exchange.header("Cookie"), exchange.header("Accept-Language"));
    }
    String html = shell.replace("{{lang}}", lang).replace("{{page}}", page)
        .replace("{{order}}", escape(order)).replace("{{role}}", role.name().toLowerCase(Locale.ROOT))
        .replace("{{q}}", escape(call.query("q", "")));
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

  private static void json(HardenedHttpServer.Exchange exchange, int status, ObjectNode body, String... headers) {
    send(exchange, status, JSON, Json.write(body), headers);
  }

  private static void send(HardenedHttpServer.Exchange exchange, int status, String type, String body,
      String... headers) {
    String[] all = new String[SECURITY_HEADERS.length + headers.length];
    System.arraycopy(SECURITY_HEADERS, 0, all, 0, SECURITY_HEADERS.length);
    System.arraycopy(headers, 0, all, SECURITY_HEADERS.length, headers.length);
    exchange.respond(status, type, "HEAD".equals(exchange.method()) ? "" : body, all);
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

  /**
   * The message catalogue (console/messages.json: the exporter's own English texts and their Russian), checked and
   * written compactly for the page's JSON data block; a '<' is escaped so that the block cannot be closed early.
   */
  static String messages() {
    try {
      com.fasterxml.jackson.databind.JsonNode catalogue = Json.MAPPER.readTree(resource("/console/messages.json"));
      for (com.fasterxml.jackson.databind.JsonNode m : catalogue.path("messages")) {
        if (!m.path("en").isTextual() || !m.path("ru").isTextual()) {
          throw new IllegalStateException("console/messages.json: every message needs en and ru: " + m);
        }
      }
      return Json.write(catalogue).replace("<", "\\u003c");
    } catch (java.io.IOException e) {
      throw new IllegalStateException("console/messages.json is not JSON", e);
    }
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
