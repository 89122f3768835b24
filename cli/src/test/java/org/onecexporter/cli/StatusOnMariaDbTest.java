package org.onecexporter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.onecexporter.testing.TestOrder.aPaidOrder;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.onecexporter.emulator.EmulatorConfig;
import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.json.Json;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.EmulatorExtension;
import org.onecexporter.testing.MariaDbExtension;
import org.onecexporter.testing.TestDatabase;

/**
 * {@code onec-exporter status} on the reference schema in MariaDB, as processes, run as on an operator's machine in
 * Moscow (TZ=Europe/Moscow): the times it shows are the stored instants, not shifted by the machine's zone.
 */
@ExtendWith({MariaDbExtension.class, RedisExtension.class, EmulatorExtension.class})
class StatusOnMariaDbTest {
  private final TestDatabase db;
  private final TestRedis redis;
  private final EmulatorServer emulator;
  @TempDir
  Path logDir;

  StatusOnMariaDbTest(TestDatabase db, TestRedis redis, EmulatorServer emulator) {
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

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>(db.env());
    env.put("REDIS_URL", redis.url());
    env.put("QUEUE_PREFIX", redis.prefix());
    env.put("LOG_DIR", logDir.toString());
    env.put("ONEC_BASE_URL", emulator.baseUrl());
    env.put("ONEC_USERNAME", EmulatorConfig.DEFAULT_USERNAME);
    env.put("ONEC_PASSWORD", EmulatorConfig.DEFAULT_PASSWORD);
    env.put("TZ", "Europe/Moscow");
    return env;
  }

  @Test
  void an_exported_order_an_unpaid_one_and_an_unknown_one() throws Exception {
    aPaidOrder(1001).totalAmount("245168").insert(db.jdbi());
    aPaidOrder(1002).status("new").paidAt(null).insert(db.jdbi());
    CliProcess.Result export = CliProcess.run(env(), "export", "1001");
    assertThat(export.exitCode()).as(export.stderr()).isZero();

    CliProcess.Result status = CliProcess.run(env(), "status", "1001");

    assertThat(status.exitCode()).as(status.stderr()).isZero();
    JsonNode doc = Json.MAPPER.readTree(status.stdout());
    assertThat(doc.get("where").asText()).isEqualTo("exported");
    JsonNode order = doc.get("order");
    assertThat(order.get("status").asText()).isEqualTo("paid");
    assertThat(order.get("paid").asBoolean()).isTrue();
    assertThat(order.get("paid_at").asText()).isEqualTo("2026-02-13T09:00:00Z");
    assertThat(order.get("invoice_number").asText()).isEqualTo("INV-2026-001");
    assertThat(order.get("invoice_exported_to_1c").asBoolean()).isTrue();
    assertThat(order.get("total_amount").decimalValue()).isEqualByComparingTo("245168");
    assertThat(order.get("onec_document_id").asText()).isEqualTo(emulator.invoices().get(0).documentId());
    assertThat(order.get("onec_document_number").asText()).isNotBlank();
    assertThat(order.has("customer_name")).as("no personal data").isFalse();
    assertThat(doc.get("attempts")).singleElement().satisfies(a -> {
      assertThat(a.get("actor").asText()).isEqualTo("cli");
      assertThat(a.get("outcome").asText()).isEqualTo("exported");
    });

    CliProcess.Result unpaid = CliProcess.run(env(), "status", "1002");
    assertThat(unpaid.exitCode()).as(unpaid.stderr()).isZero();
    JsonNode u = Json.MAPPER.readTree(unpaid.stdout());
    assertThat(u.get("where").asText()).isEqualTo("not_paid");
    assertThat(u.get("order").get("status").asText()).isEqualTo("new");
    assertThat(u.get("order").get("paid_at").isNull()).isTrue();

    CliProcess.Result unknown = CliProcess.run(env(), "status", "404404");
    assertThat(unknown.exitCode()).as(unknown.stderr()).isEqualTo(ExitCodes.REJECTED);
    assertThat(Json.MAPPER.readTree(unknown.stdout()).get("where").asText()).isEqualTo("unknown_order");
  }
}
