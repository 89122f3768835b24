package org.onecexporter.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.onecexporter.testing.TestOrder.aPaidOrder;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.config.ConfigException;
import org.onecexporter.config.Env;
import org.onecexporter.db.Dialect;
import org.onecexporter.db.ReferenceSource;
import org.onecexporter.db.SqlOrderStore;
import org.onecexporter.enqueuer.InvoiceEnqueuer;
import org.onecexporter.export.AttemptRecord;
import org.onecexporter.history.AttemptHistory;
import org.onecexporter.json.Json;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.LazyQueue;
import org.onecexporter.queue.fleet.WorkerHeartbeats;
import org.onecexporter.queue.model.ClaimedJob;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.DatabaseExtension;
import org.onecexporter.testing.TestDatabase;
import org.slf4j.LoggerFactory;

/**
 * The console's JSON API against real PostgreSQL (MariaDB: {@link ConsoleApiOnMariaDbTest}) and Redis: every endpoint,
 * the auth and cross-site rules.
 */
@ExtendWith({DatabaseExtension.class, RedisExtension.class})
class ConsoleApiTest {
  private static final String OPERATOR_PASSWORD = "operator-secret-Пароль-1";
  private static final String VIEWER_PASSWORD = "viewer-secret-2";
  private final TestDatabase db;
  private final TestRedis redis;
  private final JobQueue queue;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private ConsoleServer console;

  ConsoleApiTest(TestDatabase db, TestRedis redis) {
    this.db = db;
    this.redis = redis;
    this.queue = redis.queue();
  }

  @BeforeEach
  void start() throws Exception {
    logs.start();
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    InvoiceEnqueuer enqueuer = new InvoiceEnqueuer(new LazyQueue(redis::client, queue.keys(), Duration.ofSeconds(1)));
    console = new ConsoleServer(new ConsoleConfig("127.0.0.1", 0, OPERATOR_PASSWORD, Optional.of(VIEWER_PASSWORD)),
        new OperationsData(db.jdbi(), queue, Clock.systemUTC()), enqueuer, new SimpleMeterRegistry());
  }

  @AfterEach
  void stop() {
    console.close();
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
  }

  @BeforeEach
  void clean() {
    db.truncate();
    db.jdbi().useHandle(h -> h.execute("TRUNCATE export_attempts"));
    queue.deleteAll();
  }

  /** What was logged so far: copied under the appender's lock, as the server's threads may be logging meanwhile. */
  private java.util.List<String> logged() {
    synchronized (logs) {
      return logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  private record Answer(int status, String body, java.net.http.HttpHeaders headers) {
    JsonNode json() throws Exception {
      return Json.MAPPER.readTree(body);
    }
  }

  private Answer call(String method, String path, String user, String password, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + console.port() + path))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (user != null) {
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
          (user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Answer(r.statusCode(), r.body(), r.headers());
  }

  private Answer operator(String method, String path, String... headers) throws Exception {
    return call(method, path, "operator", OPERATOR_PASSWORD, headers);
  }

  private Answer viewer(String method, String path, String... headers) throws Exception {
    return call(method, path, "viewer", VIEWER_PASSWORD, headers);
  }

  private void deadLetter(String orderId, String reason) {
    queue.enqueue(orderId, "enqueuer");
    ClaimedJob job = queue.claim(Duration.ofSeconds(30), "w1", 1).jobs().get(0);
    assertThat(job.orderId()).isEqualTo(orderId);
    queue.deadLetter(job, reason, "why " + orderId, reason.equals("exhausted") ? 502 : 0, null);
  }

  @Test
  void without_or_with_wrong_credentials_every_path_answers_401_and_nothing_secret_is_logged() throws Exception {
    for (String path : new String[] {"/", "/api/overview", "/api/orders/1", "/assets/app.js"}) {
      Answer none = call("GET", path, null, null);
      assertThat(none.status()).as(path).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
    }
    assertThat(call("GET", "/api/overview", "operator", "wrong-password-123").status()).isEqualTo(401);
    assertThat(call("GET", "/api/overview", "viewer", OPERATOR_PASSWORD).status()).isEqualTo(401);
    assertThat(call("POST", "/api/dlq/requeue?reason=x", "operator", "nope").status()).isEqualTo(401);
    assertThat(call("GET", "/api/overview", "Operator", OPERATOR_PASSWORD).status()).as("user names are exact")
        .isEqualTo(401);
    assertThat(logged()).noneMatch(m -> m.contains("wrong-password-123")
        || m.contains(OPERATOR_PASSWORD) || m.contains(VIEWER_PASSWORD));
  }

  private Answer callFrom(String localAddress, String user, String password) throws Exception {
    HttpClient from = HttpClient.newBuilder().localAddress(java.net.InetAddress.getByName(localAddress)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + console.port() + "/api/overview"))
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
            (user + ":" + password).getBytes(StandardCharsets.UTF_8))).build();
    HttpResponse<String> r = from.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Answer(r.statusCode(), r.body(), r.headers());
  }

  @Test
  void password_guessing_is_paused_per_address_without_locking_the_signed_in_operator_out() throws Exception {
    assertThat(callFrom("127.0.0.2", "operator", OPERATOR_PASSWORD).status()).as("signed in").isEqualTo(200);
    for (int i = 0; i < 5; i++) {
      assertThat(callFrom("127.0.0.2", "operator", "guess-" + i).status()).isEqualTo(401);
    }
    Answer paused = callFrom("127.0.0.2", "operator", "guess-5");
    assertThat(paused.status()).isEqualTo(429);
    assertThat(paused.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(callFrom("127.0.0.2", "viewer", VIEWER_PASSWORD).status())
        .as("right, but never accepted from there: not checked during the pause").isEqualTo(429);
    assertThat(callFrom("127.0.0.2", "operator", OPERATOR_PASSWORD).status())
        .as("the operator signed in from there keeps working").isEqualTo(200);
    assertThat(callFrom("127.0.0.3", "viewer", VIEWER_PASSWORD).status()).as("another address").isEqualTo(200);
    assertThat(logged()).noneMatch(m -> m.contains("guess-"));
  }

  @Test
  void the_console_process_serves_its_metrics_where_prometheus_scrapes_them() throws Exception {
    Map<String, String> env = new java.util.HashMap<>(db.env());
    env.putAll(Map.of("REDIS_URL", redis.url(), "QUEUE_PREFIX", redis.prefix(), "CONSOLE_PASSWORD", OPERATOR_PASSWORD,
        "CONSOLE_PORT", "0", "CONSOLE_OPS_PORT", "0"));
    try (ConsoleRuntime runtime = ConsoleRuntime.fromEnv(new Env(env))) {
      HttpRequest wrong = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runtime.port() + "/api/overview"))
          .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("operator:nope-nope-nope"
              .getBytes(StandardCharsets.UTF_8))).build();
      assertThat(http.send(wrong, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
      HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + runtime.opsPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("onec_console_auth_failures_total 1.0");
      assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runtime.opsPort()
          + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }
  }

  private Answer callVia(String localAddress, int port, String forwardedFor, String user, String password)
      throws Exception {
    HttpClient from = HttpClient.newBuilder().localAddress(java.net.InetAddress.getByName(localAddress)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/overview"))
        .header("X-Forwarded-For", forwardedFor)
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
            (user + ":" + password).getBytes(StandardCharsets.UTF_8))).build();
    HttpResponse<String> r = from.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Answer(r.statusCode(), r.body(), r.headers());
  }

  @Test
  void idle_connections_that_send_nothing_are_cut_soon_and_do_not_lock_their_address_out() throws Exception {
    int limit = org.onecexporter.http.HttpLimits.console().maxConnectionsPerAddress();
    java.util.List<java.net.Socket> idle = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < limit; i++) {
        java.net.Socket socket = new java.net.Socket();
        socket.bind(new java.net.InetSocketAddress(java.net.InetAddress.getByName("127.0.0.5"), 0));
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", console.port()), 2000);
        idle.add(socket);
      }
      long started = System.nanoTime();
      for (java.net.Socket socket : idle) {
        socket.setSoTimeout((int) Math.max(1, 6000 - (System.nanoTime() - started) / 1_000_000));
        assertThat(socket.getInputStream().read()).as("closed by the server").isEqualTo(-1);
      }
      double cutAfter = (System.nanoTime() - started) / 1e9;
      assertThat(cutAfter).as("seconds until the last silent connection was cut").isLessThan(5.0);
      assertThat(callFrom("127.0.0.5", "operator", OPERATOR_PASSWORD).status()).isEqualTo(200);
    } finally {
      for (java.net.Socket socket : idle) {
        socket.close();
      }
    }
  }

  @Test
  void x_forwarded_for_names_the_client_only_behind_a_trusted_proxy() throws Exception {
    // Not trusted (the default): the header is ignored, the socket's address is the client.
    for (int i = 0; i < 5; i++) {
      assertThat(callVia("127.0.0.7", console.port(), "203.0.113.1", "operator", "guess-" + i).status()).isEqualTo(401);
    }
    assertThat(callVia("127.0.0.7", console.port(), "203.0.113.2", "viewer", VIEWER_PASSWORD).status())
        .as("a forged X-Forwarded-For does not escape the pause").isEqualTo(429);

    try (ConsoleServer proxied = new ConsoleServer(new ConsoleConfig("127.0.0.1", 0, OPERATOR_PASSWORD,
        Optional.of(VIEWER_PASSWORD), org.onecexporter.http.TrustedProxies.parse("127.0.0.6, 10.0.0.0/8")),
        new OperationsData(db.jdbi(), queue, Clock.systemUTC()),
        new InvoiceEnqueuer(new LazyQueue(redis::client, queue.keys(), Duration.ofSeconds(1))),
        new SimpleMeterRegistry())) {
      for (int i = 0; i < 5; i++) {
        assertThat(callVia("127.0.0.6", proxied.port(), "198.51.100.7, 10.1.2.3", "operator", "guess-" + i).status())
            .isEqualTo(401);
      }
      assertThat(callVia("127.0.0.6", proxied.port(), "10.9.9.9,198.51.100.7", "operator", "guess-5").status())
          .as("the client behind the proxy (the right-most untrusted hop) is paused").isEqualTo(429);
      assertThat(callVia("127.0.0.6", proxied.port(), "198.51.100.8", "viewer", VIEWER_PASSWORD).status())
          .as("another client behind the same proxy").isEqualTo(200);
      // The proxy's own connections are not capped per address: everyone comes through it.
      int limit = org.onecexporter.http.HttpLimits.console().maxConnectionsPerAddress();
      java.util.List<java.net.Socket> open = new java.util.ArrayList<>();
      try {
        for (int i = 0; i <= limit; i++) {
          java.net.Socket socket = new java.net.Socket();
          socket.bind(new java.net.InetSocketAddress(java.net.InetAddress.getByName("127.0.0.6"), 0));
          socket.connect(new java.net.InetSocketAddress("127.0.0.1", proxied.port()), 2000);
          open.add(socket);
        }
        assertThat(callVia("127.0.0.6", proxied.port(), "198.51.100.9", "viewer", VIEWER_PASSWORD).status())
            .isEqualTo(200);
      } finally {
        for (java.net.Socket socket : open) {
          socket.close();
        }
      }
    }
  }

  @Test
  void a_nul_or_control_character_in_the_search_is_a_400_not_a_500() throws Exception {
    assertThat(viewer("GET", "/search?q=%00").status()).isEqualTo(400);
    assertThat(viewer("GET", "/api/search?q=INV%00-1").status()).isEqualTo(400);
    assertThat(viewer("GET", "/api/search?q=%1B%5B31m").status()).isEqualTo(400);
  }

  @Test
  void a_post_from_the_same_host_with_another_scheme_is_refused_and_a_requeue_names_who_and_from_where()
      throws Exception {
    deadLetter("9", "exhausted");
    String self = "127.0.0.1:" + console.port();
    assertThat(operator("POST", "/api/dlq/9/requeue", "Origin", "https://" + self).status()).isEqualTo(403);
    assertThat(queue.job("9")).containsEntry("state", "dead");
    assertThat(operator("POST", "/api/dlq/9/requeue", "Origin", "http://" + self).status()).isEqualTo(200);
    assertThat(logged())
        .anyMatch(m -> m.contains("requeued order 9") && m.contains("operator") && m.contains("127.0.0.1"));
  }

  @Test
  void the_console_refuses_to_start_without_a_password() {
    assertThatThrownBy(() -> ConsoleConfig.fromEnv(new Env(Map.of())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("CONSOLE_PASSWORD");
    assertThatThrownBy(() -> ConsoleConfig.fromEnv(new Env(Map.of("CONSOLE_PASSWORD", "short"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("too short");
    ConsoleConfig config = ConsoleConfig.fromEnv(new Env(Map.of("CONSOLE_PASSWORD", OPERATOR_PASSWORD)));
    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(8082);
    assertThat(config.viewerPassword()).isEmpty();
    assertThat(config.toString()).doesNotContain(OPERATOR_PASSWORD);
  }

  @Test
  void overview_gives_queue_sizes_counters_percentiles_1c_state_and_the_user() throws Exception {
    queue.enqueue("1", "enqueuer");
    queue.enqueue("2", "enqueuer");
    deadLetter("1", "invalid");
    try (WorkerHeartbeats ignored = WorkerHeartbeats.publish(redis.client(), queue.keys(), "host-42",
        () -> "OPEN", () -> 3, 8)) {
      Thread.sleep(300);
      Answer r = viewer("GET", "/api/overview");

      assertThat(r.status()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v ->
          assertThat(v).contains("default-src 'self'"));
      JsonNode o = r.json();
      assertThat(o.get("queues").get("ready").asLong()).isEqualTo(1);
      assertThat(o.get("queues").get("dlq").asLong()).isEqualTo(1);
      assertThat(o.get("queues").has("delayed")).isTrue();
      assertThat(o.get("queues").has("active")).isTrue();
      assertThat(o.get("counters").get("enqueued").asLong()).isEqualTo(2);
      assertThat(o.get("export_time").get("queued_to_exported_ms").has("p95")).isTrue();
      assertThat(o.get("workers")).singleElement().satisfies(w -> {
        assertThat(w.get("id").asText()).isEqualTo("host-42");
        assertThat(w.get("in_flight").asInt()).isEqualTo(3);
      });
      assertThat(o.get("onec").get("state").asText()).isEqualTo("paused");
      assertThat(o.get("user").get("name").asText()).isEqualTo("viewer");
      assertThat(o.get("user").get("can_change").asBoolean()).isFalse();
    }
  }

  @Test
  void while_the_fleet_holds_1c_down_the_state_is_paused_since_then() throws Exception {
    long since = System.currentTimeMillis() - 60_000;
    redis.client().<String, String>getMap(queue.keys().onecHealth(), org.redisson.client.codec.StringCodec.INSTANCE)
        .putAll(Map.of("state", "down", "down_since", Long.toString(since), "next_probe_at",
            Long.toString(since + 90_000)));
    JsonNode onec = operator("GET", "/api/overview").json().get("onec");
    assertThat(onec.get("state").asText()).isEqualTo("paused");
    assertThat(Instant.parse(onec.get("since").asText()).toEpochMilli()).isEqualTo(since);
    assertThat(onec.has("next_probe_at")).isTrue();
  }

  @Test
  void the_1c_state_comes_from_the_latest_calls_in_the_history() throws Exception {
    try (AttemptHistory history = new AttemptHistory(db.jdbi(), "w", new SimpleMeterRegistry())) {
      Instant t0 = Instant.now().minusSeconds(60);
      history.record(new AttemptRecord(1, "INV-1", 1, t0, t0, "exported", 201, null, "d", "n", 0));
      history.record(new AttemptRecord(2, "INV-2", 1, t0.plusSeconds(10), t0.plusSeconds(10), "transient_failure",
          502, "1C answered 502", null, null, 0));
      history.record(new AttemptRecord(3, "INV-3", 1, t0.plusSeconds(20), t0.plusSeconds(20), "transient_failure",
          503, "1C answered 503", null, null, 0));
      assertThat(history.awaitWritten(Duration.ofSeconds(5))).isTrue();
    }
    JsonNode onec = operator("GET", "/api/overview").json().get("onec");
    assertThat(onec.get("state").asText()).isEqualTo("down");
    assertThat(Instant.parse(onec.get("since").asText())).isBefore(Instant.now().minusSeconds(45));
    assertThat(onec.get("last_http_status").asInt()).isEqualTo(503);
    assertThat(operator("GET", "/api/overview").json().get("rates").get("attempts").get("transient_failure").asInt())
        .isEqualTo(2);
  }

  @Test
  void wrong_1c_credentials_or_rights_are_their_own_1c_state_with_what_to_check() throws Exception {
    String credentials = "1C rejected the credentials (401): check ONEC_USERNAME and ONEC_PASSWORD";
    try (AttemptHistory history = new AttemptHistory(db.jdbi(), "w", new SimpleMeterRegistry())) {
      Instant t0 = Instant.now().minusSeconds(60);
      history.record(new AttemptRecord(1, "INV-1", 1, t0, t0, "exported", 201, null, "d", "n", 0));
      history.record(new AttemptRecord(2, "INV-2", 1, t0.plusSeconds(10), t0.plusSeconds(10), "not_configured",
          401, credentials, null, null, 0));
      history.record(new AttemptRecord(3, "INV-3", 1, t0.plusSeconds(20), t0.plusSeconds(20), "not_configured",
          401, credentials, null, null, 0));
      assertThat(history.awaitWritten(Duration.ofSeconds(5))).isTrue();
    }
    JsonNode onec = operator("GET", "/api/overview").json().get("onec");
    assertThat(onec.get("state").asText()).as("not the extension's settings: the exporter's own credentials")
        .isEqualTo("access_refused");
    assertThat(Instant.parse(onec.get("since").asText())).isBefore(Instant.now().minusSeconds(45));
    assertThat(onec.get("last_http_status").asInt()).isEqualTo(401);
    assertThat(onec.get("last_error").asText()).isEqualTo(credentials);
    // The card's words in both languages say what to check.
    String app = viewer("GET", "/assets/app.js").body();
    assertThat(app).contains("'onec.access_refused': 'refuses the exporter").contains("'onec.access_refused': '1С не");
  }

  @Test
  void the_order_page_shows_the_trace_id_of_the_job_then_of_its_latest_attempt() throws Exception {
    aPaidOrder(88).insert(db.jdbi());
    assertThat(viewer("GET", "/api/orders/88").json().get("trace_id").isNull()).as("no trace yet").isTrue();
    queue.enqueue("88", "test", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    assertThat(viewer("GET", "/api/orders/88").json().get("trace_id").asText())
        .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    try (AttemptHistory history = new AttemptHistory(db.jdbi(), "w", new SimpleMeterRegistry())) {
      Instant t0 = Instant.now();
      history.record(new AttemptRecord(88, "INV-88", 1, t0, t0, "transient_failure", 502, "1C answered 502", null,
          null, 0, "0af7651916cd43dd8448eb211c80319c"));
      assertThat(history.awaitWritten(Duration.ofSeconds(5))).isTrue();
    }
    JsonNode page = viewer("GET", "/api/orders/88").json();
    assertThat(page.get("trace_id").asText()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(page.get("attempts").get(0).get("trace_id").asText()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
  }

  @Test
  void an_order_is_found_by_id_or_invoice_number_and_unknown_ones_are_404() throws Exception {
    aPaidOrder(77).insert(db.jdbi());
    db.jdbi().useHandle(h -> h.execute("UPDATE orders SET invoice_number = 'INV-2026-077' WHERE id = 77"));

    Answer order = viewer("GET", "/api/orders/77");
    assertThat(order.status()).isEqualTo(200);
    assertThat(order.json().get("where").asText()).isEqualTo("not_queued");
    assertThat(order.json().get("order").get("invoice_number").asText()).isEqualTo("INV-2026-077");
    assertThat(order.json().get("attempts").isArray()).isTrue();

    assertThat(viewer("GET", "/api/orders/78").status()).isEqualTo(404);
    assertThat(viewer("GET", "/api/orders/abc").status()).isEqualTo(400);
    assertThat(viewer("GET", "/api/search?q=inv-2026-077").json().get("order_id").asLong()).isEqualTo(77);
    assertThat(viewer("GET", "/api/search?q=77").json().get("order_id").asLong()).isEqualTo(77);
    // A pasted tab or line break around the number is trimmed, as before the control-character check.
    assertThat(viewer("GET", "/api/search?q=77%09").json().get("order_id").asLong()).isEqualTo(77);
    assertThat(viewer("GET", "/api/search?q=INV-1999-1").status()).isEqualTo(404);
    Answer page = viewer("GET", "/search?q=INV-2026-077");
    assertThat(page.status()).as("the search box redirects to the order's page").isEqualTo(302);
    assertThat(page.headers().firstValue("Location")).hasValue("/orders/77");
  }

  @Test
  void dlq_lists_by_reason_with_paging_and_requeues_one_or_a_whole_reason() throws Exception {
    deadLetter("1", "exhausted");
    deadLetter("2", "exhausted");
    deadLetter("3", "exhausted");
    deadLetter("4", "invalid");

    JsonNode all = viewer("GET", "/api/dlq").json();
    assertThat(all.get("total").asInt()).isEqualTo(4);
    assertThat(all.get("reasons").get("exhausted").asInt()).isEqualTo(3);
    JsonNode page = viewer("GET", "/api/dlq?reason=exhausted&limit=2&offset=1").json();
    assertThat(page.get("total").asInt()).isEqualTo(3);
    assertThat(page.get("entries")).hasSize(2).allSatisfy(e ->
        assertThat(e.get("reason").asText()).isEqualTo("exhausted"));

    Answer one = operator("POST", "/api/dlq/2/requeue");
    assertThat(one.status()).isEqualTo(200);
    assertThat(one.json().get("requeued").asInt()).isEqualTo(1);
    assertThat(queue.job("2")).containsEntry("state", "ready");
    assertThat(operator("POST", "/api/dlq/2/requeue").status()).isEqualTo(404);

    Answer reason = operator("POST", "/api/dlq/requeue?reason=exhausted");
    assertThat(reason.json().get("requeued").asInt()).isEqualTo(2);
    assertThat(DlqEntries.read(queue, 10)).singleElement().satisfies(e ->
        assertThat(e.get("reason").asText()).isEqualTo("invalid"));
    assertThat(operator("POST", "/api/dlq/requeue").status()).as("a reason is required").isEqualTo(400);
  }

  @Test
  void a_refused_cancellation_has_its_own_dlq_section_beside_the_exports_and_the_order_page_shows_it() throws Exception {
    aPaidOrder(6).insert(db.jdbi());
    db.jdbi().useHandle(h -> {
      h.execute("UPDATE orders SET status = 'refunded', invoice_number = 'INV-2026-006', invoice_exported_to_1c = TRUE,"
          + " invoice_exported_at = CURRENT_TIMESTAMP WHERE id = 6");
      h.execute("INSERT INTO onec_exporter_ledger (order_id, invoice_cancel_requested_at, invoice_cancel_answer)"
          + " VALUES (6, CURRENT_TIMESTAMP, 'has_based_documents')");
    });
    deadLetter("4", "invalid");
    deadLetter(org.onecexporter.queue.JobIds.cancel(6), "invoice_has_documents");

    JsonNode all = viewer("GET", "/api/dlq").json();
    assertThat(all.get("reasons").get("invoice_has_documents").asInt()).isEqualTo(1);
    assertThat(all.get("reasons").get("invalid").asInt()).isEqualTo(1);
    JsonNode section = viewer("GET", "/api/dlq?reason=invoice_has_documents").json();
    assertThat(section.get("entries")).singleElement().satisfies(e ->
        assertThat(e.get("order_id").asText()).isEqualTo("cancel:6"));

    JsonNode page = viewer("GET", "/api/orders/6").json();
    assertThat(page.get("where").asText()).isEqualTo("cancel_dlq");
    assertThat(page.get("job").isNull()).as("the export's job is done and gone").isTrue();
    assertThat(page.get("cancel_dlq_entry").get("reason").asText()).isEqualTo("invoice_has_documents");
    assertThat(page.get("order").get("invoice_exported_to_1c").asBoolean()).as("the invoice was created").isTrue();
    assertThat(page.get("order").get("life")).extracting(s -> s.get("step").asText())
        .containsExactly("paid", "created", "refunded", "cancel_requested", "cancel_refused");

    // The section's name and its advice, in both languages; the entry's requeue is the cancellation's.
    String app = viewer("GET", "/assets/app.js").body();
    assertThat(app).contains("invoice_has_documents: 'invoice has documents in 1C'")
        .contains("invoice_has_documents: 'по счёту есть документы в 1С'")
        .contains("'dlq.cancellation': 'cancellation'").contains("'dlq.cancellation': 'отмена счёта'");
    Answer requeued = operator("POST", "/api/dlq/cancel:6/requeue");
    assertThat(requeued.status()).isEqualTo(200);
    assertThat(queue.job("cancel:6")).containsEntry("state", "ready");
    assertThat(queue.job("4")).containsEntry("state", "dead");
  }

  @Test
  void a_refunded_order_whose_cancellation_nobody_queued_yet_is_not_shown_as_simply_exported() throws Exception {
    aPaidOrder(9).insert(db.jdbi());
    db.jdbi().useHandle(h -> h.execute("UPDATE orders SET status = 'refunded', invoice_number = 'INV-2026-009',"
        + " invoice_exported_to_1c = TRUE, invoice_exported_at = CURRENT_TIMESTAMP WHERE id = 9"));

    JsonNode page = viewer("GET", "/api/orders/9").json();
    assertThat(page.get("where").asText()).as("the invoice is in 1C, unmarked, and no cancellation is queued")
        .isEqualTo("cancel_not_queued");
    assertThat(page.get("order").get("life")).extracting(s -> s.get("step").asText())
        .containsExactly("paid", "created", "refunded");
    String app = viewer("GET", "/assets/app.js").body();
    assertThat(app).contains("'where.cancel_not_queued': 'Refunded or cancelled in the shop")
        .contains("'where.cancel_not_queued': 'Возвращён или отменён в магазине");

    queue.enqueue(org.onecexporter.queue.JobIds.cancel(9), "test");
    assertThat(viewer("GET", "/api/orders/9").json().get("where").asText()).isEqualTo("cancelling");
  }

  @Test
  void an_order_id_star_is_an_invalid_id_and_requeueing_every_entry_is_its_own_route() throws Exception {
    deadLetter("1", "exhausted");
    deadLetter("2", "invalid");

    for (String star : new String[] {"/api/dlq/*/requeue", "/api/dlq/%2A/requeue"}) {
      Answer refused = operator("POST", star);
      assertThat(refused.status()).as(star).isEqualTo(400);
      assertThat(refused.json().get("error").asText()).isEqualTo("order id must be a positive integer");
    }
    assertThat(operator("POST", "/api/dlq/abc/requeue").status()).isEqualTo(400);
    assertThat(DlqEntries.read(queue, 10)).as("nothing requeued").hasSize(2);

    assertThat(viewer("POST", "/api/dlq/requeue-all").status()).isEqualTo(403);
    assertThat(operator("GET", "/api/dlq/requeue-all").status()).as("a change is a POST").isEqualTo(405);
    Answer all = operator("POST", "/api/dlq/requeue-all");
    assertThat(all.status()).isEqualTo(200);
    assertThat(all.json().get("requeued").asInt()).isEqualTo(2);
    assertThat(DlqEntries.read(queue, 10)).isEmpty();
    assertThat(logged())
        .anyMatch(m -> m.contains("requeued every DLQ entry (2)") && m.contains("127.0.0.1"));
  }

  @Test
  void the_page_carries_the_message_catalogue_the_russian_page_shows_the_exporters_texts_with() throws Exception {
    Answer page = viewer("GET", "/dlq?lang=ru");
    java.util.regex.Matcher block = java.util.regex.Pattern
        .compile("<script type=\"application/json\" id=\"messages\">(.*?)</script>", java.util.regex.Pattern.DOTALL)
        .matcher(page.body());
    assertThat(block.find()).as("the catalogue's data block").isTrue();
    JsonNode catalogue = Json.MAPPER.readTree(block.group(1));
    assertThat(catalogue.get("messages")).anySatisfy(m -> {
      assertThat(m.get("en").asText()).isEqualTo("Order status is '{order_status}', expected 'paid'");
      assertThat(m.get("ru").asText()).startsWith("Заказ не оплачен");
    });
    assertThat(block.group(1)).doesNotContain("<");
  }

  @Test
  void the_viewer_sees_everything_and_changes_nothing() throws Exception {
    deadLetter("9", "exhausted");
    aPaidOrder(10).insert(db.jdbi());

    assertThat(viewer("GET", "/api/dlq").status()).isEqualTo(200);
    assertThat(viewer("GET", "/dlq").status()).isEqualTo(200);
    assertThat(viewer("POST", "/api/dlq/9/requeue").status()).isEqualTo(403);
    assertThat(viewer("POST", "/api/dlq/requeue?reason=exhausted").status()).isEqualTo(403);
    assertThat(viewer("POST", "/api/orders/10/export").status()).isEqualTo(403);
    assertThat(DlqEntries.read(queue, 10)).hasSize(1);
    assertThat(queue.job("10")).isEmpty();
  }

  @Test
  void a_post_from_another_site_is_refused() throws Exception {
    deadLetter("9", "exhausted");
    String host = "127.0.0.1:" + console.port();

    assertThat(operator("POST", "/api/dlq/9/requeue", "Origin", "https://evil.example").status()).isEqualTo(403);
    assertThat(operator("POST", "/api/dlq/9/requeue", "Origin", "null").status()).isEqualTo(403);
    assertThat(operator("POST", "/api/dlq/9/requeue", "Origin", "http://127.0.0.1:1").status()).isEqualTo(403);
    assertThat(operator("POST", "/api/dlq/9/requeue", "Sec-Fetch-Site", "cross-site").status()).isEqualTo(403);
    assertThat(operator("POST", "/api/dlq/9/requeue", "Sec-Fetch-Site", "same-site").status()).isEqualTo(403);
    assertThat(DlqEntries.read(queue, 10)).as("nothing changed").hasSize(1);

    Answer sameOrigin = operator("POST", "/api/dlq/9/requeue", "Origin", "http://" + host, "Sec-Fetch-Site",
        "same-origin");
    assertThat(sameOrigin.status()).isEqualTo(200);
  }

  @Test
  void export_queues_a_paid_order_without_a_job_by_the_enqueuers_rule() throws Exception {
    aPaidOrder(20).insert(db.jdbi());
    aPaidOrder(21).status("new").insert(db.jdbi());
    aPaidOrder(22).insert(db.jdbi());
    db.jdbi().useHandle(h -> h.execute("UPDATE orders SET invoice_exported_to_1c = TRUE WHERE id = 22"));

    Answer queued = operator("POST", "/api/orders/20/export");
    assertThat(queued.status()).isEqualTo(202);
    assertThat(queued.json().get("status").asText()).isEqualTo("queued");
    assertThat(queue.job("20")).containsEntry("state", "ready").containsEntry("source", "enqueuer");
    assertThat(operator("POST", "/api/orders/20/export").json().get("status").asText()).isEqualTo("already_queued");
    assertThat(operator("POST", "/api/orders/21/export").status()).isEqualTo(409);
    assertThat(operator("POST", "/api/orders/22/export").status()).isEqualTo(409);
    assertThat(operator("POST", "/api/orders/23/export").status()).isEqualTo(404);
    assertThat(operator("POST", "/api/orders/x/export").status()).isEqualTo(400);
    assertThat(queue.job("21")).isEmpty();
  }

  @Test
  void an_unreachable_database_is_a_503_that_names_its_server_in_both_languages() throws Exception {
    boolean postgres = db.dialect() == Dialect.POSTGRESQL;
    String server = postgres ? "PostgreSQL" : "MariaDB";
    org.jdbi.v3.core.Jdbi down = org.jdbi.v3.core.Jdbi.create(postgres
        ? "jdbc:postgresql://127.0.0.1:1/none?connectTimeout=1" : "jdbc:mariadb://127.0.0.1:1/none?connectTimeout=1000");
    // As ConsoleRuntime builds it: the order store knows its dialect from DATABASE_URL, not from a connection.
    OperationsData data = new OperationsData(down, new SqlOrderStore(down, db.dialect(), ReferenceSource.INSTANCE),
        queue, Clock.systemUTC());
    try (ConsoleServer broken = new ConsoleServer(new ConsoleConfig("127.0.0.1", 0, OPERATOR_PASSWORD,
        Optional.empty()), data,
        new InvoiceEnqueuer(new LazyQueue(redis::client, queue.keys(), Duration.ofSeconds(1))),
        new SimpleMeterRegistry())) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + broken.port() + "/api/orders/1"))
          .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
              ("operator:" + OPERATOR_PASSWORD).getBytes(StandardCharsets.UTF_8))).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(503);
      String error = Json.MAPPER.readTree(r.body()).get("error").asText();
      assertThat(error).isEqualTo(server + " unreachable");
      // The page shows it in Russian from the catalogue it carries (console/messages.json).
      JsonNode catalogue;
      try (var in = ConsoleServer.class.getResourceAsStream("/console/messages.json")) {
        catalogue = Json.MAPPER.readTree(in);
      }
      assertThat(catalogue.get("messages").valueStream().filter(m -> m.get("en").asText().equals(error))
          .map(m -> m.get("ru").asText()).toList()).containsExactly(postgres ? "PostgreSQL недоступен"
          : "MariaDB недоступна");
    }
  }

  @Test
  void pages_are_served_by_the_console_itself_in_the_language_asked_for() throws Exception {
    Answer en = viewer("GET", "/");
    assertThat(en.status()).isEqualTo(200);
    assertThat(en.body()).contains("<html lang=\"en\"", "data-role=\"viewer\"", "/assets/app.js")
        .doesNotContain("http://", "https://");
    assertThat(viewer("GET", "/", "Accept-Language", "ru-RU,ru;q=0.9,en;q=0.8").body()).contains("<html lang=\"ru\"");
    assertThat(viewer("GET", "/", "Accept-Language", "de, en;q=0.5, ru;q=0.4").body()).contains("<html lang=\"en\"");
    Answer switched = viewer("GET", "/dlq?lang=ru");
    assertThat(switched.body()).contains("<html lang=\"ru\"", "data-page=\"dlq\"");
    assertThat(switched.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c).startsWith("lang=ru"));
    assertThat(viewer("GET", "/", "Cookie", "lang=ru").body()).contains("<html lang=\"ru\"");
    assertThat(viewer("GET", "/orders/%3Cscript%3E").body()).contains("data-order=\"&lt;script&gt;\"");
    assertThat(viewer("GET", "/assets/app.js").headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/javascript"));
    // The SVG namespace of the charts is a name the browser never fetches; any other URL would be an address.
    assertThat(viewer("GET", "/assets/app.js").body().replace("'http://www.w3.org/2000/svg'", "'svg'"))
        .doesNotContain("http://", "https://");
    assertThat(viewer("GET", "/nothing").status()).isEqualTo(404);
  }
}
