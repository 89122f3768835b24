package org.onecexporter.console;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.db.OrderStore;
import org.onecexporter.db.SqlOrderStore;
import org.onecexporter.db.WooCommerceSource;
import org.onecexporter.enqueuer.InvoiceEnqueuer;
import org.onecexporter.json.Json;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.LazyQueue;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.shops.WooCommerceWriter;
import org.onecexporter.testing.MariaDbLedgerExtension;
import org.onecexporter.testing.ShopSchemas;
import org.onecexporter.testing.TestDatabase;

/**
 * The console's order page and search with ORDER_SOURCE=woocommerce: WooCommerce's HPOS tables in MariaDB, the
 * invoice number and the 1C document in our ledger beside them.
 */
@ExtendWith({MariaDbLedgerExtension.class, RedisExtension.class})
class ConsoleWithWooCommerceTest {
  private static final String P = "wp_";
  private static final String PASSWORD = "operator-secret-4";
  private final TestDatabase db;
  private final TestRedis redis;
  private final JobQueue queue;
  private final HttpClient http = HttpClient.newHttpClient();
  private OrderStore store;
  private ConsoleServer console;

  ConsoleWithWooCommerceTest(TestDatabase db, TestRedis redis) {
    this.db = db;
    this.redis = redis;
    this.queue = redis.queue();
  }

  @BeforeAll
  static void platformSchema(TestDatabase db) {
    ShopSchemas.create(db.jdbi(), "woocommerce-hpos.sql", P);
    WooCommerceWriter.products(db.jdbi(), P);
  }

  @BeforeEach
  void start() throws Exception {
    queue.deleteAll();
    store = new SqlOrderStore(db.jdbi(), db.dialect(),
        new WooCommerceSource(P, WooCommerceSource.DEFAULT_PAID_STATUSES));
    InvoiceEnqueuer enqueuer = new InvoiceEnqueuer(new LazyQueue(redis::client, queue.keys(), Duration.ofSeconds(1)));
    console = new ConsoleServer(new ConsoleConfig("127.0.0.1", 0, PASSWORD, Optional.empty()),
        new OperationsData(db.jdbi(), store, queue, Clock.systemUTC()), enqueuer, new SimpleMeterRegistry());
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
  void a_platform_order_with_its_ledger_row_is_shown_and_found_by_its_invoice_number() throws Exception {
    WooCommerceWriter.aPaidOrder(6001).insert(db.jdbi(), P);
    WooCommerceWriter.aPaidOrder(6002).notPaid().insert(db.jdbi(), P);
    String number;
    try (OrderStore.Session s = store.open()) {
      number = s.assignInvoiceNumber(6001, 2026);
      s.markExported(6001, number, Instant.parse("2026-02-13T09:05:00Z"), "doc-6001", "СЧ-6001");
    }

    JsonNode page = json("/api/orders/6001");
    assertThat(page.get("where").asText()).isEqualTo("exported");
    JsonNode order = page.get("order");
    assertThat(order.get("paid").asBoolean()).isTrue();
    assertThat(order.get("paid_at").asText()).isEqualTo("2026-02-13T09:00:00Z");
    assertThat(order.get("invoice_number").asText()).isEqualTo(number);
    assertThat(order.get("invoice_exported_at").asText()).isEqualTo("2026-02-13T09:05:00Z");
    assertThat(order.get("onec_document_id").asText()).isEqualTo("doc-6001");
    assertThat(order.get("onec_document_number").asText()).isEqualTo("СЧ-6001");
    assertThat(order.get("total_amount").decimalValue()).isEqualByComparingTo("3486");
    assertThat(order.has("customer_name")).as("no personal data").isFalse();

    JsonNode unpaid = json("/api/orders/6002");
    assertThat(unpaid.get("where").asText()).isEqualTo("not_paid");
    assertThat(unpaid.get("order").get("invoice_number").isNull()).isTrue();

    assertThat(get("/api/orders/6003").statusCode()).isEqualTo(404);
    assertThat(json("/api/search?q=" + number.toLowerCase(java.util.Locale.ROOT)).get("order_id").asLong())
        .isEqualTo(6001);
    assertThat(json("/api/search?q=6002").get("order_id").asLong()).isEqualTo(6002);
    assertThat(get("/api/search?q=6003").statusCode()).isEqualTo(404);
  }
}
