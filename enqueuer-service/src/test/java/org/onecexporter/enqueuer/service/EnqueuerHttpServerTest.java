package org.onecexporter.enqueuer.service;


import org.onecexporter.enqueuer.EnqueueStatus;
import org.onecexporter.enqueuer.InvoiceEnqueuer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.config.ConfigException;
import org.onecexporter.config.Env;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;

@ExtendWith(RedisExtension.class)
class EnqueuerHttpServerTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private final TestRedis redis;
  private final JobQueue queue;
  private InvoiceEnqueuer enqueuer;
  private EnqueuerHttpServer server;

  EnqueuerHttpServerTest(TestRedis redis) {
    this.redis = redis;
    this.queue = redis.queue();
  }

  @BeforeEach
  void start() throws Exception {
    queue.deleteAll();
    var registry = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
        io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
    enqueuer = InvoiceEnqueuer.fromEnv(Map.of("REDIS_URL", redis.url(), "QUEUE_PREFIX", redis.prefix()), EnqueuerMain.meters(registry));
    server = EnqueuerHttpServer.start(enqueuer, "s3cret", "127.0.0.1", 0, registry);
  }

  @Test
  void serves_metrics_and_health_on_its_own_port() throws Exception {
    post(server, "501", "s3cret");
    post(server, "501", "s3cret");
    String metrics = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    assertThat(metrics).contains("onec_enqueues_total{result=\"queued\"} 1.0",
        "onec_enqueues_total{result=\"already_queued\"} 1.0", "onec_enqueue_duration_seconds_count 2");
    HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.port() + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("\"redis\":\"up\"");
  }

  @AfterEach
  void stop() {
    server.close();
    enqueuer.close();
  }

  private HttpResponse<String> post(EnqueuerHttpServer target, String id, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + target.port() + "/v1/orders/" + id + "/invoice-export"))
        .timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void queues_once_then_says_already_queued() throws Exception {
    HttpResponse<String> first = post(server, "1001", "s3cret");
    HttpResponse<String> second = post(server, "1001", "s3cret");

    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(first.body()).isEqualTo("{\"order_id\":1001,\"status\":\"queued\"}");
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.body()).contains("\"status\":\"already_queued\"");
    assertThat(queue.stats().ready()).isEqualTo(1);
    assertThat(queue.job("1001")).containsEntry("source", "enqueuer");
  }

  @Test
  void a_refund_queues_the_invoices_cancellation_beside_the_export_once() throws Exception {
    assertThat(post(server, "1002", "s3cret").statusCode()).isEqualTo(202);
    HttpRequest.Builder cancel = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + "/v1/orders/1002/invoice-cancel"))
        .header("Authorization", "Bearer s3cret").timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.noBody());
    HttpResponse<String> first = HTTP.send(cancel.build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> second = HTTP.send(cancel.build(), HttpResponse.BodyHandlers.ofString());

    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(first.body()).isEqualTo("{\"order_id\":1002,\"status\":\"queued\"}");
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(queue.stats().ready()).as("the export and the cancellation, one job each").isEqualTo(2);
    assertThat(queue.job("cancel:1002")).containsEntry("source", "enqueuer").containsEntry("state", "ready");
    assertThat(queue.job("1002")).containsEntry("state", "ready");
    HttpResponse<String> bad = HTTP.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + "/v1/orders/cancel:1/invoice-cancel"))
        .header("Authorization", "Bearer s3cret").POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(bad.statusCode()).isEqualTo(400);
  }

  private HttpResponse<String> postFrom(String localAddress, String id, String token) throws Exception {
    HttpClient from = HttpClient.newBuilder().localAddress(java.net.InetAddress.getByName(localAddress)).build();
    HttpRequest.Builder request = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + "/v1/orders/" + id + "/invoice-export"))
        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return from.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void token_guessing_is_paused_per_address_and_the_payment_processors_own_token_still_passes() throws Exception {
    assertThat(postFrom("127.0.0.3", "500", "s3cret").statusCode()).as("the payment processor").isEqualTo(202);
    for (int i = 0; i < 5; i++) {
      assertThat(postFrom("127.0.0.3", "501", "guess-" + i).statusCode()).isEqualTo(401);
    }
    HttpResponse<String> paused = postFrom("127.0.0.3", "501", "guess-5");
    assertThat(paused.statusCode()).isEqualTo(429);
    assertThat(paused.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(postFrom("127.0.0.3", "502", "s3cret").statusCode()).as("the token accepted from there before")
        .isEqualTo(202);
    assertThat(postFrom("127.0.0.4", "503", "wrong").statusCode()).as("another address").isEqualTo(401);
    assertThat(postFrom("127.0.0.4", "503", "s3cret").statusCode()).isEqualTo(202);
  }

  @Test
  void refuses_bad_ids_and_missing_or_wrong_tokens() throws Exception {
    assertThat(post(server, "abc", "s3cret").statusCode()).isEqualTo(400);
    assertThat(post(server, "-5", "s3cret").statusCode()).isEqualTo(400);
    assertThat(post(server, "0", "s3cret").statusCode()).isEqualTo(400);
    assertThat(post(server, "1", null).statusCode()).isEqualTo(401);
    assertThat(post(server, "1", "wrong").statusCode()).isEqualTo(401);
    assertThat(queue.stats().ready()).isZero();
  }

  @Test
  void answers_503_quickly_when_redis_is_unreachable_and_the_quiet_variant_never_throws() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (InvoiceEnqueuer down = InvoiceEnqueuer.fromEnv(Map.of(
            "REDIS_URL", "redis://127.0.0.1:" + closedPort, "QUEUE_PREFIX", redis.prefix()), InvoiceEnqueuer.Listener.NONE);
        EnqueuerHttpServer downServer = EnqueuerHttpServer.start(down, "s3cret", "127.0.0.1", 0,
            new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT))) {
      long started = System.nanoTime();
      HttpResponse<String> response = post(downServer, "7", "s3cret");
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.body()).contains("unavailable");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));

      assertThat(down.enqueueQuietly(8)).isEqualTo(EnqueueStatus.FAILED);
      assertThat(down.failedCount()).as("the HTTP 503 and the quiet call").isEqualTo(2);
      HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + downServer.port() + "/health/ready"))
          .build();
      assertThat(HTTP.send(ready, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(503);
    }
  }

  @Test
  void the_bearer_scheme_is_case_insensitive_and_failures_are_counted() throws Exception {
    HttpRequest lower = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + "/v1/orders/77/invoice-export"))
        .header("Authorization", "bearer   s3cret").POST(HttpRequest.BodyPublishers.noBody()).build();
    assertThat(HTTP.send(lower, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(202);
    assertThat(server.authorized("BEARER s3cret")).isTrue();
    assertThat(server.authorized("Bearers3cret")).isFalse();
    assertThat(server.authorized("Basic s3cret")).isFalse();
    assertThat(server.authorized("Bearer s3cret2")).isFalse();

    post(server, "1", "wrong");
    post(server, "1", null);
    String metrics = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    assertThat(metrics).contains("onec_enqueuer_auth_failures_total 2.0");
  }

  @Test
  void a_request_body_is_refused_with_413_before_it_is_read() throws Exception {
    // Raw socket: a client that keeps writing a body the server refused may see a reset instead of the answer
    // (the server closes without draining), so the body is announced, not sent.
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(("POST /v1/orders/78/invoice-export HTTP/1.1\r\nHost: x\r\n"
          + "Authorization: Bearer s3cret\r\nContent-Length: 65536\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(answer).isEqualTo("HTTP/1.1 413");
    }
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(("POST /v1/orders/78/invoice-export HTTP/1.1\r\nHost: x\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(answer).as("a body of unknown length").isEqualTo("HTTP/1.1 413");
    }
    assertThat(queue.stats().ready()).isZero();
    HttpRequest small = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + "/v1/orders/78/invoice-export"))
        .header("Authorization", "Bearer s3cret")
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
    assertThat(HTTP.send(small, HttpResponse.BodyHandlers.ofString()).statusCode()).as("a few bytes are ignored")
        .isEqualTo(202);
    HttpRequest hugeHeader = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + "/v1/orders/79/invoice-export"))
        .header("Authorization", "Bearer s3cret").header("X-Junk", "x".repeat(20_000))
        .POST(HttpRequest.BodyPublishers.noBody()).build();
    assertThat(HTTP.send(hugeHeader, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(431);
  }

  @Test
  void a_weak_token_stops_the_service_at_start() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> EnqueuerMain.checkToken("x"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("ENQUEUER_TOKEN: is too short");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> EnqueuerMain.checkToken("change-me-change-me"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("placeholder");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> EnqueuerMain.checkToken("aaaaaaaaaaaaaaaaaaaa"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("placeholder");
    assertThat(EnqueuerMain.checkToken("3f9c1e0b7a52d4e8c6b1")).isEqualTo("3f9c1e0b7a52d4e8c6b1");
  }

  @Test
  void the_library_reports_queued_and_already_queued() {
    assertThat(enqueuer.enqueueQuietly(42)).isEqualTo(EnqueueStatus.QUEUED);
    assertThat(enqueuer.enqueue(42)).isEqualTo(EnqueueStatus.ALREADY_QUEUED);
    assertThat(enqueuer.queuedCount()).isEqualTo(1);
    assertThat(enqueuer.alreadyQueuedCount()).isEqualTo(1);
  }

  @Test
  void a_malformed_redis_url_fails_at_start_naming_the_variable() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> InvoiceEnqueuer.fromEnv(Map.of("REDIS_URL", "localhost:6379"), InvoiceEnqueuer.Listener.NONE))
        .isInstanceOf(org.onecexporter.queue.QueueConfigException.class).hasMessageStartingWith("REDIS_URL:");
  }
}
