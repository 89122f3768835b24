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
 * three recent ones.
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
      long floor = source.candidateFloor(h);
      List<Long> ids = h.createQuery(source.candidatesQuery(Dialect.MYSQL))
          .bind("age_us", Duration.ofMinutes(2).toNanos() / 1000).bind("after", floor).bind("upTo", Long.MAX_VALUE)
          .bind("limit", 10_000).mapTo(Long.class).list();
      assertThat(ids).hasSize(3);
      return handlerReads(h);
    });
  }

  private static long handlerReads(Handle h) {
    return h.createQuery("SHOW SESSION STATUS LIKE 'Handler_read%'").map((rs, ctx) -> rs.getLong(2)).list()
        .stream().mapToLong(Long::longValue).sum();
  }

  @Test
  void a_run_reads_the_same_rows_at_150_000_and_at_300_000_orders_and_finds_the_unexported_ones() {
    OrderSource windowed = new WooCommerceSource(P, WooCommerceSource.DEFAULT_PAID_STATUSES, WINDOW);
    OrderSource unbounded = new WooCommerceSource(P, WooCommerceSource.DEFAULT_PAID_STATUSES, 0);
    exportedOrders(1, 150_000);
    db.jdbi().useHandle(h -> h.execute("UPDATE onec_exporter_ledger SET invoice_exported_to_1c = FALSE"
        + " WHERE order_id IN (149990, 149995, 150000)"));
    long windowedSmall = rowsRead(windowed);
    long unboundedSmall = rowsRead(unbounded);

    exportedOrders(150_001, 300_000);
    db.jdbi().useHandle(h -> {
      h.execute("UPDATE onec_exporter_ledger SET invoice_exported_to_1c = TRUE WHERE order_id <= 150000");
      h.execute("UPDATE onec_exporter_ledger SET invoice_exported_to_1c = FALSE"
          + " WHERE order_id IN (299990, 299995, 300000)");
    });
    long windowedLarge = rowsRead(windowed);
    long unboundedLarge = rowsRead(unbounded);

    System.out.printf("rows read per run: window %d: %d at 150k orders, %d at 300k; no window: %d, %d%n",
        WINDOW, windowedSmall, windowedLarge, unboundedSmall, unboundedLarge);
    assertThat(windowedSmall).as("bounded by the window").isLessThan(WINDOW * 4);
    assertThat(windowedLarge).as("bounded by the window").isLessThan(WINDOW * 4);
    assertThat((double) windowedLarge).as("does not grow with the table").isLessThan(windowedSmall * 1.2 + 100);
    assertThat(unboundedLarge).as("without the window a run reads the whole table").isGreaterThan(300_000);
    assertThat(new SqlOrderStore(db.jdbi(), Dialect.MYSQL, windowed)
        .candidates(0, Long.MAX_VALUE, 100, Duration.ofMinutes(2))).containsExactly(299_990L, 299_995L, 300_000L);
  }
}
