package org.onecexporter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.onecexporter.testing.TestOrder.aPaidOrder;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.onecexporter.emulator.EmulatorConfig;
import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.json.Json;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.model.ClaimedJob;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.EmulatorExtension;
import org.onecexporter.testing.DatabaseExtension;
import org.onecexporter.testing.TestDatabase;

/**
 * {@code onec-exporter status <order_id>} and the attempts {@code export} leaves in the history, as processes, on
 * PostgreSQL (and on MariaDB: {@link StatusOnMariaDbTest}).
 */
@ExtendWith({DatabaseExtension.class, RedisExtension.class, EmulatorExtension.class})
class StatusCommandTest {
  private final TestDatabase db;
  private final TestRedis redis;
  private final EmulatorServer emulator;
  @TempDir
  Path logDir;

  StatusCommandTest(TestDatabase db, TestRedis redis, EmulatorServer emulator) {
    this.db = db;
    this.redis = redis;
    this.emulator = emulator;
  }

  @BeforeEach
  void clean() {
    db.truncate();
    db.jdbi().useHandle(h -> h.execute("DELETE FROM export_attempts"));
    redis.queue().deleteAll();
  }

  /** The command's environment; run as on an operator's machine in Moscow: times shown must not shift with it. */
  Map<String, String> env() {
    Map<String, String> env = CliProcess.env(db, redis, emulator, logDir);
    env.put("TZ", "Europe/Moscow");
    return env;
  }

  @Test
  void a_refunded_order_shows_its_invoices_whole_life_created_then_marked_in_1c() throws Exception {
    aPaidOrder(1003).insert(db.jdbi());
    assertThat(CliProcess.run(env(), "export", "1003").exitCode()).isZero();
    db.jdbi().useHandle(h -> h.execute("UPDATE orders SET status = 'refunded' WHERE id = 1003"));
    org.onecexporter.export.OneCExporter exporter = org.onecexporter.testing.Exporters.exporter(db,
        org.onecexporter.testing.Exporters.config(emulator.baseUrl(), EmulatorConfig.DEFAULT_USERNAME,
            EmulatorConfig.DEFAULT_PASSWORD, Duration.ofSeconds(5), java.util.List.of(Duration.ofMillis(10))),
        org.onecexporter.export.Sleeper.REAL);
    assertThat(exporter.cancel(new org.onecexporter.export.AttemptContext(1003, 1, null)))
        .isInstanceOf(org.onecexporter.export.AttemptResult.Done.class);

    CliProcess.Result status = CliProcess.run(env(), "status", "1003");

    assertThat(status.exitCode()).as(status.stderr()).isZero();
    JsonNode doc = Json.MAPPER.readTree(status.stdout());
    assertThat(doc.get("where").asText()).isEqualTo("cancelled");
    JsonNode order = doc.get("order");
    assertThat(order.get("invoice_exported_to_1c").asBoolean()).as("the flag still says it was created").isTrue();
    assertThat(order.get("invoice_cancellation").get("answer").asText()).isEqualTo("cancelled");
    assertThat(order.get("invoice_cancellation").get("cancelled_at").asText()).isNotBlank();
    assertThat(order.get("life").findValuesAsText("step"))
        .containsExactly("paid", "created", "refunded", "cancel_requested", "cancelled");
    assertThat(doc.get("cancel_job").isNull()).isTrue();
    assertThat(status.stderr()).contains("order 1003: cancelled");
  }

  @Test
  void an_exported_order_shows_its_invoice_document_and_the_cli_attempt() throws Exception {
    aPaidOrder(1001).insert(db.jdbi());
    assertThat(CliProcess.run(env(), "export", "1001").exitCode()).isZero();

    CliProcess.Result status = CliProcess.run(env(), "status", "1001");

    assertThat(status.exitCode()).as(status.stderr()).isZero();
    JsonNode doc = Json.MAPPER.readTree(status.stdout());
    assertThat(doc.get("order_id").asLong()).isEqualTo(1001);
    assertThat(doc.get("where").asText()).isEqualTo("exported");
    assertThat(doc.get("order").get("invoice_number").asText()).isEqualTo("INV-2026-001");
    assertThat(doc.get("order").get("invoice_exported_to_1c").asBoolean()).isTrue();
    assertThat(doc.get("order").get("onec_document_id").asText())
        .isEqualTo(emulator.invoices().get(0).documentId());
    assertThat(doc.get("order").has("customer_name")).as("no personal data").isFalse();
    assertThat(doc.get("job").isNull()).isTrue();
    assertThat(doc.get("attempts")).singleElement().satisfies(a -> {
      assertThat(a.get("actor").asText()).isEqualTo("cli");
      assertThat(a.get("outcome").asText()).isEqualTo("exported");
      assertThat(a.get("http_status").asInt()).isEqualTo(201);
      assertThat(a.get("onec_document_number").asText()).isNotBlank();
    });
  }

  @Test
  void an_unpaid_order_and_the_stored_instants_whatever_the_machines_zone() throws Exception {
    aPaidOrder(1001).totalAmount("245168").insert(db.jdbi());
    aPaidOrder(1002).status("new").paidAt(null).insert(db.jdbi());
    assertThat(CliProcess.run(env(), "export", "1001").exitCode()).isZero();

    JsonNode paid = Json.MAPPER.readTree(CliProcess.run(env(), "status", "1001").stdout()).get("order");
    assertThat(paid.get("status").asText()).isEqualTo("paid");
    assertThat(paid.get("paid").asBoolean()).isTrue();
    assertThat(paid.get("paid_at").asText()).as("the stored instant, in UTC").isEqualTo("2026-02-13T09:00:00Z");
    assertThat(paid.get("total_amount").decimalValue()).isEqualByComparingTo("245168");

    CliProcess.Result unpaid = CliProcess.run(env(), "status", "1002");
    assertThat(unpaid.exitCode()).as(unpaid.stderr()).isZero();
    JsonNode u = Json.MAPPER.readTree(unpaid.stdout());
    assertThat(u.get("where").asText()).isEqualTo("not_paid");
    assertThat(u.get("order").get("status").asText()).isEqualTo("new");
    assertThat(u.get("order").get("paid_at").isNull()).isTrue();
  }

  @Test
  void a_dead_job_shows_its_dlq_entry_and_an_unknown_order_exits_3() throws Exception {
    aPaidOrder(5).insert(db.jdbi());
    JobQueue queue = redis.queue();
    queue.enqueue("5", "enqueuer");
    ClaimedJob job = queue.claim(Duration.ofSeconds(30), "w1", 1).jobs().get(0);
    queue.deadLetter(job, "refused_by_1c", "1C answered 400: articul not found", 400, "INV-2026-007");

    CliProcess.Result status = CliProcess.run(env(), "status", "5");

    assertThat(status.exitCode()).as(status.stderr()).isZero();
    JsonNode doc = Json.MAPPER.readTree(status.stdout());
    assertThat(doc.get("where").asText()).isEqualTo("dlq");
    assertThat(doc.get("job").get("state").asText()).isEqualTo("dead");
    assertThat(doc.get("job").get("attempts").asInt()).isEqualTo(1);
    assertThat(doc.get("job").get("enqueued_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    assertThat(doc.get("job").has("token")).isFalse();
    assertThat(doc.get("dlq_entry").get("reason").asText()).isEqualTo("refused_by_1c");
    assertThat(doc.get("dlq_entry").get("last_http_status").asInt()).isEqualTo(400);

    CliProcess.Result unknown = CliProcess.run(env(), "status", "404404");
    assertThat(unknown.exitCode()).isEqualTo(ExitCodes.REJECTED);
    JsonNode none = Json.MAPPER.readTree(unknown.stdout());
    assertThat(none.get("order").isNull()).isTrue();
    assertThat(none.get("where").asText()).isEqualTo("unknown_order");
  }
}
