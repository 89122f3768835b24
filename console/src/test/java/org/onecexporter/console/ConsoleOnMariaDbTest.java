package org.onecexporter.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.onecexporter.testing.TestOrder.aPaidOrder;

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
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.db.ReferenceSource;
import org.onecexporter.db.SqlOrderStore;
import org.onecexporter.enqueuer.InvoiceEnqueuer;
import org.onecexporter.export.AttemptRecord;
import org.onecexporter.history.AttemptHistory;
import org.onecexporter.json.Json;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.LazyQueue;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.MariaDbExtension;
import org.onecexporter.testing.TestDatabase;

/** The console's order page, search and 1C state on the reference schema in MariaDB, through its HTTP API. */
@ExtendWith({MariaDbExtension.class, RedisExtension.class})
class ConsoleOnMariaDbTest {
  private static final String PASSWORD = "operator-secret-3";
  private final TestDatabase db;
  private final TestRedis redis;
  private final JobQueue queue;
  private final HttpClient http = HttpClient.newHttpClient();
  private ConsoleServer console;

  ConsoleOnMariaDbTest(TestDatabase db, TestRedis redis) {
    this.db = db;
    this.redis = redis;
    this.queue = redis.queue();
  }

  @BeforeEach
  void start() throws Exception {
    db.truncate();
    db.jdbi().useHandle(h -> h.execute("DELETE FROM export_attempts"));
    queue.deleteAll();
    InvoiceEnqueuer enqueuer = new InvoiceEnqueuer(new LazyQueue(redis::client, queue.keys(), Duration.ofSeconds(1)));
    console = new ConsoleServer(new ConsoleConfig("127.0.0.1", 0, PASSWORD, Optional.empty()),
        new OperationsData(db.jdbi(), new SqlOrderStore(db.jdbi(), db.dialect(), ReferenceSource.INSTANCE), queue,
            Clock.systemUTC()), enqueuer, new SimpleMeterRegistry());
  }

  @AfterEach
  void stop() {
    console.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + console.port() + path))
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
            ("operator:" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
        .GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private JsonNode json(String path) throws Exception {
    HttpResponse<String> r = get(path);
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return Json.MAPPER.readTree(r.body());
  }

  @Test
  void an_order_is_shown_and_found_by_id_or_invoice_number() throws Exception {
    aPaidOrder(77).totalAmount("245168").insert(db.jdbi());
    db.jdbi().useHandle(h -> h.execute("""
        UPDATE orders SET invoice_number = 'INV-2026-077', invoice_exported_to_1c = TRUE,
               invoice_exported_at = '2026-02-13 09:05:00', onec_document_id = 'doc-77',
               onec_document_number = 'СЧ-77' WHERE id = 77"""));

    JsonNode page = json("/api/orders/77");
    assertThat(page.get("where").asText()).isEqualTo("exported");
    JsonNode order = page.get("order");
    assertThat(order.get("paid_at").asText()).isEqualTo("2026-02-13T09:00:00Z");
    assertThat(order.get("invoice_exported_at").asText()).isEqualTo("2026-02-13T09:05:00Z");
    assertThat(order.get("invoice_number").asText()).isEqualTo("INV-2026-077");
    assertThat(order.get("onec_document_number").asText()).isEqualTo("СЧ-77");
    assertThat(order.get("total_amount").decimalValue()).isEqualByComparingTo("245168");

    assertThat(get("/api/orders/78").statusCode()).isEqualTo(404);
    assertThat(json("/api/search?q=inv-2026-077").get("order_id").asLong()).isEqualTo(77);
    assertThat(json("/api/search?q=77").get("order_id").asLong()).isEqualTo(77);
    assertThat(get("/api/search?q=INV-1999-1").statusCode()).isEqualTo(404);
  }

  @Test
  void the_1c_state_and_the_attempt_rates_come_from_the_history() throws Exception {
    try (AttemptHistory history = new AttemptHistory(db.jdbi(), "w", new SimpleMeterRegistry())) {
      Instant t0 = Instant.now().minusSeconds(60);
      history.record(new AttemptRecord(1, "INV-1", 1, t0, t0, "exported", 201, null, "d", "n", 0));
      history.record(new AttemptRecord(2, "INV-2", 1, t0.plusSeconds(10), t0.plusSeconds(10), "transient_failure",
          502, "1C answered 502", null, null, 0));
      history.record(new AttemptRecord(3, "INV-3", 1, t0.plusSeconds(20), t0.plusSeconds(20), "transient_failure",
          503, "1C answered 503", null, null, 0));
      assertThat(history.awaitWritten(Duration.ofSeconds(5))).isTrue();
    }
    JsonNode overview = json("/api/overview");
    JsonNode onec = overview.get("onec");
    assertThat(onec.get("state").asText()).isEqualTo("down");
    assertThat(Instant.parse(onec.get("since").asText())).isBefore(Instant.now().minusSeconds(45));
    assertThat(onec.get("last_http_status").asInt()).isEqualTo(503);
    assertThat(overview.get("rates").has("attempts_error")).as(overview.get("rates").toString()).isFalse();
    assertThat(overview.get("rates").get("attempts").get("transient_failure").asInt()).isEqualTo(2);
    assertThat(overview.get("rates").get("attempts").get("exported").asInt()).isEqualTo(1);
    // The search falls back on the history's invoice numbers.
    assertThat(json("/api/search?q=INV-3").get("order_id").asLong()).isEqualTo(3);
  }
}
