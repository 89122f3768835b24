package org.onecexporter.shops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.db.Dialect;
import org.onecexporter.db.OrderSource;
import org.onecexporter.db.SqlOrderStore;
import org.onecexporter.db.WooCommerceSource;
import org.onecexporter.testing.MariaDbLedgerExtension;
import org.onecexporter.testing.ShopSchemas;
import org.onecexporter.testing.TestDatabase;

/**
 * A reconciler run over WooCommerce's tables costs the same whatever the number of orders: with the window, the
 * rows MariaDB reads (its Handler_read_* counters, for the very query and bounds the store runs) stay put when the
 * table doubles; without it they grow with the table. Orders are bulk-written (the sequence engine), all exported but
 * three recent ones. The table holds {@link ReconcilerCostSize#orders()} orders at the end (300,000 by default; run
 * with {@code -Donec.reconcilerCost.orders=1000000} for the million), half of them at the first measure.
 */
@ExtendWith(MariaDbLedgerExtension.class)
class WooCommerceReconcilerCostTest {
  private static final String P = "wp_";
  private static final long WINDOW = 20_000;
  private final TestDatabase db;

  WooCommerceReconcilerCostTest(TestDatabase db) {
    this.db = db;
  }

  @BeforeAll
  static void schema(TestDatabase db) {
    ShopSchemas.create(db.jdbi(), "woocommerce-hpos.sql", P);
  }

  /** Orders {@code from..to}, paid, with an exported invoice in our ledger. */
  private void exportedOrders(long from, long to) {
    db.jdbi().useHandle(h -> {
      String seq = "seq_" + from + "_to_" + to;
      h.execute("INSERT INTO " + P + "wc_orders (id, status, currency, type, total_amount, date_created_gmt,"
          + " date_updated_gmt, parent_order_id) SELECT seq, 'wc-completed', 'RUB', 'shop_order', 100,"
          + " '2026-01-01 10:00:00', '2026-01-01 10:00:00', 0 FROM " + seq);
      h.execute("INSERT INTO " + P + "wc_order_operational_data (order_id, date_paid_gmt) SELECT seq,"
          + " '2026-01-01 10:00:00' FROM " + seq);
      h.execute("INSERT INTO onec_exporter_ledger (order_id, invoice_number, invoice_exported_to_1c)"
          + " SELECT seq, CONCAT('INV-2026-', seq), TRUE FROM " + seq);
    });
  }

  /** The rows the server reads for one candidates query of {@code source}, as the store binds it. */
  private long rowsRead(OrderSource source) {
    return db.jdbi().withHandle(h -> {
      h.execute("FLUSH STATUS");
      List<Long> ids = candidates(h, source);
      assertThat(ids).hasSize(3);
      return handlerReads(h);
    });
  }

  private static List<Long> candidates(Handle h, OrderSource source) {
    long floor = source.candidateFloor(h);
    return h.createQuery(source.candidatesQuery(Dialect.MYSQL))
        .bind("age_us", Duration.ofMinutes(2).toNanos() / 1000).bind("after", floor).bind("upTo", Long.MAX_VALUE)
        .bind("limit", 10_000).mapTo(Long.class).list();
  }

  /** The median time of one run's query (the window's floor and the candidates), in ms; printed, not asserted. */
  private double millis(OrderSource source) {
    return db.jdbi().withHandle(h -> ReconcilerCostSize.medianMillis(() -> candidates(h, source)));
  }

  private static long handlerReads(Handle h) {
    return h.createQuery("SHOW SESSION STATUS LIKE 'Handler_read%'").map((rs, ctx) -> rs.getLong(2)).list()
        .stream().mapToLong(Long::longValue).sum();
  }

  @Test
  void a_run_reads_the_same_rows_at_half_and_at_the_whole_table_and_finds_the_unexported_ones() {
    long n = ReconcilerCostSize.orders();
    long half = n / 2;
    OrderSource windowed = new WooCommerceSource(P, WooCommerceSource.DEFAULT_PAID_STATUSES, WINDOW);
    OrderSource unbounded = new WooCommerceSource(P, WooCommerceSource.DEFAULT_PAID_STATUSES, 0);
    exportedOrders(1, half);
    db.jdbi().useHandle(h -> h.execute("UPDATE onec_exporter_ledger SET invoice_exported_to_1c = FALSE"
        + " WHERE order_id IN (" + (half - 10) + ", " + (half - 5) + ", " + half + ")"));
    long windowedSmall = rowsRead(windowed);
    long unboundedSmall = rowsRead(unbounded);
    double windowedSmallMs = millis(windowed);
    double unboundedSmallMs = millis(unbounded);

    exportedOrders(half + 1, n);
    db.jdbi().useHandle(h -> {
      h.execute("UPDATE onec_exporter_ledger SET invoice_exported_to_1c = TRUE WHERE order_id <= " + half);
      h.execute("UPDATE onec_exporter_ledger SET invoice_exported_to_1c = FALSE"
          + " WHERE order_id IN (" + (n - 10) + ", " + (n - 5) + ", " + n + ")");
    });
    long windowedLarge = rowsRead(windowed);
    long unboundedLarge = rowsRead(unbounded);
    double windowedLargeMs = millis(windowed);
    double unboundedLargeMs = millis(unbounded);

    System.out.printf("WooCommerce rows read per run: window %d: %d at %d orders, %d at %d; no window: %d, %d%n",
        WINDOW, windowedSmall, half, windowedLarge, n, unboundedSmall, unboundedLarge);
    System.out.printf("WooCommerce median ms per run: window %d: %.1f at %d orders, %.1f at %d; no window: %.1f, %.1f%n",
        WINDOW, windowedSmallMs, half, windowedLargeMs, n, unboundedSmallMs, unboundedLargeMs);
    assertThat(windowedSmall).as("bounded by the window").isLessThan(WINDOW * 4);
    assertThat(windowedLarge).as("bounded by the window").isLessThan(WINDOW * 4);
    assertThat((double) windowedLarge).as("does not grow with the table").isLessThan(windowedSmall * 1.2 + 100);
    assertThat(unboundedLarge).as("without the window a run reads the whole table").isGreaterThan(n);
    assertThat(new SqlOrderStore(db.jdbi(), Dialect.MYSQL, windowed)
        .candidates(0, Long.MAX_VALUE, 100, Duration.ofMinutes(2))).containsExactly(n - 10, n - 5, n);
  }
}
