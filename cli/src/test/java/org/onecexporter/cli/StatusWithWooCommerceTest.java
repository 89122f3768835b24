package org.onecexporter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.onecexporter.emulator.EmulatorServer;
import org.onecexporter.json.Json;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.shops.WooCommerceWriter;
import org.onecexporter.testing.EmulatorExtension;
import org.onecexporter.testing.MariaDbLedgerExtension;
import org.onecexporter.testing.ShopSchemas;
import org.onecexporter.testing.TestDatabase;

/**
 * {@code onec-exporter status} with ORDER_SOURCE=woocommerce: WooCommerce's HPOS tables in MariaDB (DDL from
 * WooCommerce's source, see the exporter's shops/woocommerce-hpos.sql), the invoice in our ledger beside them.
 */
@ExtendWith({MariaDbLedgerExtension.class, RedisExtension.class, EmulatorExtension.class})
class StatusWithWooCommerceTest {
  private static final String P = "wp_";
  private final TestDatabase db;
  private final TestRedis redis;
  private final EmulatorServer emulator;
  @TempDir
  Path logDir;

  StatusWithWooCommerceTest(TestDatabase db, TestRedis redis, EmulatorServer emulator) {
    this.db = db;
    this.redis = redis;
    this.emulator = emulator;
  }

  @BeforeAll
  static void platformSchema(TestDatabase db) {
    ShopSchemas.create(db.jdbi(), "woocommerce-hpos.sql", P);
    WooCommerceWriter.products(db.jdbi(), P);
  }

  private Map<String, String> env() {
    Map<String, String> env = CliProcess.env(db, redis, emulator, logDir);
    env.put("ORDER_SOURCE", "woocommerce");
    env.put("SHOP_TABLE_PREFIX", P);
    return env;
  }

  @Test
  void an_exported_order_its_ledger_row_an_unpaid_one_and_an_unknown_one() throws Exception {
    WooCommerceWriter.aPaidOrder(5001).insert(db.jdbi(), P);
    WooCommerceWriter.aPaidOrder(5002).notPaid().insert(db.jdbi(), P);
    CliProcess.Result export = CliProcess.run(env(), "export", "5001");
    assertThat(export.exitCode()).as(export.stdout() + export.stderr()).isZero();

    CliProcess.Result status = CliProcess.run(env(), "status", "5001");

    assertThat(status.exitCode()).as(status.stderr()).isZero();
    JsonNode doc = Json.MAPPER.readTree(status.stdout());
    assertThat(doc.get("where").asText()).isEqualTo("exported");
    JsonNode order = doc.get("order");
    assertThat(order.get("paid").asBoolean()).isTrue();
    assertThat(order.get("paid_at").asText()).isEqualTo("2026-02-13T09:00:00Z");
    assertThat(order.get("invoice_number").asText()).isEqualTo("INV-2026-001");
    assertThat(order.get("invoice_exported_to_1c").asBoolean()).isTrue();
    assertThat(order.get("invoice_exported_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    assertThat(order.get("total_amount").decimalValue()).isEqualByComparingTo("3486");
    assertThat(order.get("onec_document_id").asText()).isEqualTo(emulator.invoices().get(0).documentId());
    assertThat(order.get("onec_document_number").asText()).isNotBlank();
    assertThat(order.has("customer_name")).as("no personal data").isFalse();
    assertThat(doc.get("attempts")).singleElement().satisfies(a ->
        assertThat(a.get("outcome").asText()).isEqualTo("exported"));

    CliProcess.Result unpaid = CliProcess.run(env(), "status", "5002");
    assertThat(unpaid.exitCode()).as(unpaid.stderr()).isZero();
    JsonNode u = Json.MAPPER.readTree(unpaid.stdout());
    assertThat(u.get("where").asText()).isEqualTo("not_paid");
    assertThat(u.get("order").get("paid").asBoolean()).isFalse();
    assertThat(u.get("order").get("status").asText()).startsWith("wc-pending");
    assertThat(u.get("order").get("invoice_number").isNull()).isTrue();
    assertThat(u.get("order").get("invoice_exported_to_1c").asBoolean()).isFalse();

    CliProcess.Result unknown = CliProcess.run(env(), "status", "404404");
    assertThat(unknown.exitCode()).as(unknown.stderr()).isEqualTo(ExitCodes.REJECTED);
  }
}
