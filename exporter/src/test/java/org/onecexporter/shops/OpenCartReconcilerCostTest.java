package org.onecexporter.shops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.db.Dialect;
import org.onecexporter.db.OpenCartSource;
import org.onecexporter.db.OrderSource;
import org.onecexporter.testing.MariaDbLedgerExtension;
import org.onecexporter.testing.ShopSchemas;
import org.onecexporter.testing.TestDatabase;

/**
 * As WooCommerceReconcilerCostTest, for OpenCart 4's tables: a run's reads stay put when the table doubles (from
 * half of {@link ReconcilerCostSize#orders()} to all of it).
 */
@ExtendWith(MariaDbLedgerExtension.class)
class OpenCartReconcilerCostTest {
  private static final String P = "oc_";
  private static final long WINDOW = 20_000;
  private final TestDatabase db;

  OpenCartReconcilerCostTest(TestDatabase db) {
    this.db = db;
  }

  @BeforeAll
  static void schema(TestDatabase db) {
    ShopSchemas.create(db.jdbi(), "opencart-4.sql", P);
  }

  private void exportedOrders(long from, long to) {
    db.jdbi().useHandle(h -> {
      String seq = "seq_" + from + "_to_" + to;
      h.execute("SET SESSION sql_mode = 'NO_ZERO_IN_DATE,NO_ENGINE_SUBSTITUTION'");
      h.execute("INSERT INTO `" + P + "order` (order_id, order_status_id, total, date_added, date_modified)"
          + " SELECT seq, 5, 100, '2026-01-01 10:00:00', '2026-01-01 10:00:00' FROM " + seq);
      h.execute("INSERT INTO onec_exporter_ledger (order_id, invoice_number, invoice_exported_to_1c)"
          + " SELECT seq, CONCAT('INV-2026-', seq), TRUE FROM " + seq);
    });
  }

  private static List<Long> candidates(Handle h, OrderSource source) {
    return h.createQuery(source.candidatesQuery(Dialect.MYSQL))
        .bind("after", source.candidateFloor(h)).bind("upTo", Long.MAX_VALUE).bind("limit", 10_000)
        .mapTo(Long.class).list();
  }

  private double millis(OrderSource source) {
    return db.jdbi().withHandle(h -> ReconcilerCostSize.medianMillis(() -> candidates(h, source)));
  }

  private long rowsRead(OrderSource source) {
    return db.jdbi().withHandle(h -> {
      h.execute("FLUSH STATUS");
      List<Long> ids = candidates(h, source);
      assertThat(ids).hasSize(2);
      return h.createQuery("SHOW SESSION STATUS LIKE 'Handler_read%'").map((rs, ctx) -> rs.getLong(2)).list()
          .stream().mapToLong(Long::longValue).sum();
    });
  }

  @Test
  void a_run_reads_the_same_rows_at_half_and_at_the_whole_table() {
    long n = ReconcilerCostSize.orders();
    long half = n / 2;
    OrderSource windowed = new OpenCartSource(P, OpenCartSource.DEFAULT_PAID_STATUS_IDS, OpenCartSource.Articul.MODEL,
        ZoneId.of("Europe/Moscow"), WINDOW);
    exportedOrders(1, half);
    db.jdbi().useHandle(h -> h.execute("UPDATE onec_exporter_ledger SET invoice_exported_to_1c = FALSE"
        + " WHERE order_id IN (" + (half - 1) + ", " + half + ")"));
    long small = rowsRead(windowed);
    double smallMs = millis(windowed);
    exportedOrders(half + 1, n);
    db.jdbi().useHandle(h -> {
      h.execute("UPDATE onec_exporter_ledger SET invoice_exported_to_1c = TRUE WHERE order_id <= " + half);
      h.execute("UPDATE onec_exporter_ledger SET invoice_exported_to_1c = FALSE WHERE order_id IN (" + (n - 1) + ", "
          + n + ")");
    });
    long large = rowsRead(windowed);
    double largeMs = millis(windowed);

    System.out.printf("OpenCart rows read per run, window %d: %d at %d orders, %d at %d; median ms %.1f, %.1f%n",
        WINDOW, small, half, large, n, smallMs, largeMs);
    assertThat(small).isLessThan(WINDOW * 3);
    assertThat(large).isLessThan(WINDOW * 3);
    assertThat((double) large).isLessThan(small * 1.2 + 100);
  }
}
