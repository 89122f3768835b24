package org.onecexporter.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.domain.InvoiceNumbers;
import org.onecexporter.testing.PostgresLedgerExtension;
import org.onecexporter.testing.TestDatabase;

/**
 * The ledger on PostgreSQL with ORDER_SOURCE=sql: migrate creates only our tables, the shop's table is only read,
 * numbers are one per order under concurrency, the flag lives in onec_exporter_ledger.
 */
@ExtendWith(PostgresLedgerExtension.class)
class PostgresLedgerTest {
  private final TestDatabase db;

  PostgresLedgerTest(TestDatabase db) {
    this.db = db;
  }

  @Test
  void a_shop_schema_read_through_three_queries_with_numbers_and_flags_in_our_ledger() throws Exception {
    List<String> ours = db.jdbi().withHandle(h -> h.createQuery(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1")
        .mapTo(String.class).list());
    assertThat(ours).containsExactly("export_attempts", "invoice_number_counters", "onec_exporter_leases",
        "onec_exporter_ledger", "onec_exporter_schema_history");
    db.jdbi().useHandle(h -> {
      h.execute("CREATE TABLE shop_order (num BIGINT PRIMARY KEY, paid BOOLEAN, buyer TEXT, phone TEXT,"
          + " paid_on TIMESTAMPTZ, amount NUMERIC(10,2))");
      h.execute("CREATE TABLE shop_line (num BIGINT, pos INT, code TEXT, title TEXT, qty NUMERIC, price NUMERIC)");
      for (int n = 1; n <= 20; n++) {
        h.execute("INSERT INTO shop_order VALUES (" + n + ", " + (n != 5) + ", 'Анна', '+7 495 111-22-33',"
            + " '2026-03-01 10:00:00+00', 100)");
        h.execute("INSERT INTO shop_line VALUES (" + n + ", 1, 'A', 'Лампа', 2, 50)");
      }
    });
    OrderStore store = new SqlOrderStore(db.jdbi(), db.dialect(), new ConfiguredSqlSource("""
        SELECT num AS id, CASE WHEN paid THEN 'paid' ELSE 'new' END AS status, buyer AS customer_name,
               phone AS customer_phone, NULL AS customer_address, 0 AS delivery_cost, paid_on AS paid_at,
               amount AS total_amount FROM shop_order WHERE num = :id""",
        "SELECT code AS articul, title AS name, qty AS quantity, price FROM shop_line WHERE num = :id ORDER BY pos",
        "SELECT num AS id FROM shop_order WHERE paid"));

    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<Future<String>> numbers = new ArrayList<>();
    try {
      for (int round = 0; round < 2; round++) {
        for (long id = 1; id <= 20; id++) {
          long orderId = id;
          numbers.add(pool.submit(() -> {
            try (OrderStore.Session s = store.open()) {
              return orderId + "=" + s.assignInvoiceNumber(orderId, 2026);
            }
          }));
        }
      }
      HashSet<String> pairs = new HashSet<>();
      for (Future<String> f : numbers) {
        pairs.add(f.get());
      }
      assertThat(pairs).as("each order got one number, the same both times").hasSize(20);
      assertThat(pairs.stream().map(p -> p.substring(p.indexOf('=') + 1)).distinct()).hasSize(20);
    } finally {
      pool.shutdownNow();
    }
    try (OrderStore.Session s = store.open()) {
      String number = s.find(3).orElseThrow().invoiceNumber();
      assertThat(number).startsWith("INV-2026-");
      s.markExported(3, number, Instant.parse("2026-03-01T10:01:00Z"), "d", "7");
      assertThat(s.find(3).orElseThrow().invoiceExported()).isTrue();
      assertThat(s.find(5).orElseThrow().status()).isEqualTo("new");
      assertThatThrownBy(() -> s.markExported(4, InvoiceNumbers.format(2026, 999), Instant.now(), null, null))
          .hasMessageContaining("flag not set");
    }
    assertThat(store.candidates(0, 6, 10, Duration.ofMinutes(2))).containsExactly(1L, 2L, 4L, 6L);
  }
}
