package org.onecexporter.db;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.onecexporter.domain.InvoiceNumbers;
import org.onecexporter.domain.Order;
import org.onecexporter.domain.OrderItem;

/** Reads orders and records invoice numbers and exports. Every method runs on the handle it is given. */
public final class OrderRepository {
  /** First key of our two-int advisory locks: "1C" in hex, so our locks are recognisable in pg_locks. */
  public static final int ADVISORY_NAMESPACE = 0x1C;

  public Optional<Order> find(Handle handle, long orderId) {
    Optional<Order> order = handle.createQuery("""
            SELECT id, status, customer_name, customer_phone, customer_address, delivery_cost, paid_at,
                   invoice_exported_to_1c, invoice_number, invoice_exported_at, total_amount
              FROM orders WHERE id = :id""")
        .bind("id", orderId)
        .map((rs, ctx) -> mapOrder(rs))
        .findOne();
    if (order.isEmpty()) {
      return order;
    }
    List<OrderItem> items = handle.createQuery("""
            SELECT line_no, articul, name, quantity, price
              FROM order_items WHERE order_id = :id ORDER BY line_no""")
        .bind("id", orderId)
        .map((rs, ctx) -> new OrderItem(
            rs.getInt("line_no"), rs.getString("articul"), rs.getString("name"),
            rs.getBigDecimal("quantity"), rs.getBigDecimal("price")))
        .list();
    return Optional.of(order.get().withItems(items));
  }

  /**
   * The order's invoice number, assigned now from the year's sequence if it has none. Runs in its own
   * transaction; the order row lock makes two concurrent callers agree on one number.
   */
  public String assignInvoiceNumber(Handle handle, long orderId, int year) {
    return handle.inTransaction(tx -> {
      List<Optional<String>> row = tx.createQuery("SELECT invoice_number FROM orders WHERE id = :id FOR UPDATE")
          .bind("id", orderId)
          .map((rs, ctx) -> Optional.ofNullable(rs.getString(1)))
          .list();
      if (row.isEmpty()) {
        throw new IllegalStateException("Order " + orderId + " disappeared");
      }
      Optional<String> existing = row.get(0);
      if (existing.isPresent()) {
        return existing.get();
      }
      // A number a shop wrote by hand may already be taken: skip it rather than fail on the UNIQUE constraint.
      for (int tries = 0; tries < 1000; tries++) {
        long next = tx.createQuery("""
                INSERT INTO invoice_number_counters (year, last_value) VALUES (:year, 1)
                ON CONFLICT (year) DO UPDATE SET last_value = invoice_number_counters.last_value + 1
                RETURNING last_value""")
            .bind("year", year)
            .mapTo(Long.class)
            .one();
        String number = InvoiceNumbers.format(year, next);
        boolean taken = tx.createQuery("SELECT EXISTS (SELECT 1 FROM orders WHERE invoice_number = :n)")
            .bind("n", number)
            .mapTo(Boolean.class)
            .one();
        if (!taken) {
          tx.createUpdate("UPDATE orders SET invoice_number = :n WHERE id = :id")
              .bind("n", number)
              .bind("id", orderId)
              .execute();
          return number;
        }
      }
      throw new IllegalStateException("no free invoice number for year " + year);
    });
  }

  /** Sets the flag; only for the order still carrying the number that was exported. */
  public void markExported(
      Handle handle, long orderId, String invoiceNumber, Instant exportedAt, String documentId, String documentNumber) {
    int rows = handle.inTransaction(tx -> tx.createUpdate("""
            UPDATE orders
               SET invoice_exported_to_1c = TRUE,
                   invoice_exported_at = :at,
                   onec_document_id = COALESCE(:docId, onec_document_id),
                   onec_document_number = COALESCE(:docNumber, onec_document_number)
             WHERE id = :id AND invoice_number = :n""")
        .bind("at", Timestamp.from(exportedAt))
        .bind("docId", documentId)
        .bind("docNumber", documentNumber)
        .bind("id", orderId)
        .bind("n", invoiceNumber)
        .execute());
    if (rows != 1) {
      throw new IllegalStateException(
          "Order " + orderId + " no longer carries invoice number " + invoiceNumber + "; flag not set");
    }
  }

  /**
   * Blocks until this session holds the order's export lock, or {@code lock_timeout} passes. Two exports of
   * one order (two terminals, a terminal and a worker) thereby run one after the other, and the second finds
   * the order exported.
   */
  public void lockOrder(Handle handle, long orderId, java.time.Duration timeout) {
    lockOrder(handle, orderId, timeout, java.time.Duration.ZERO);
  }

  /**
   * As {@link #lockOrder(Handle, long, java.time.Duration)}; with {@code idleLimit} > 0, PostgreSQL (14+) ends the
   * session when it stays idle that long while holding the lock (a frozen client): the lock goes with it.
   */
  public void lockOrder(Handle handle, long orderId, java.time.Duration timeout, java.time.Duration idleLimit) {
    handle.createQuery("""
            SELECT set_config('lock_timeout', :lock, false),
                   CASE WHEN :idle > 0 AND current_setting('server_version_num')::int >= 140000
                        THEN set_config('idle_session_timeout', :idle || 'ms', false) END""")
        .bind("lock", timeout.toMillis() + "ms")
        .bind("idle", idleLimit.toMillis())
        .mapToMap()
        .one();
    handle.createQuery("SELECT pg_advisory_lock(:ns, :key)")
        .bind("ns", ADVISORY_NAMESPACE)
        .bind("key", advisoryKey(orderId))
        .mapTo(String.class)
        .one();
  }

  public void unlockOrder(Handle handle, long orderId) {
    // One round trip: release the lock and give the pooled connection back its default timeouts.
    handle.createQuery("""
            SELECT pg_advisory_unlock(:ns, :key), set_config('lock_timeout', '0', false),
                   CASE WHEN current_setting('server_version_num')::int >= 140000
                        THEN set_config('idle_session_timeout', '0', false) END""")
        .bind("ns", ADVISORY_NAMESPACE)
        .bind("key", advisoryKey(orderId))
        .mapToMap()
        .one();
  }

  static int advisoryKey(long orderId) {
    return (int) (orderId ^ (orderId >>> 32));
  }

  private static Order mapOrder(ResultSet rs) throws SQLException {
    Timestamp paidAt = rs.getTimestamp("paid_at");
    Timestamp exportedAt = rs.getTimestamp("invoice_exported_at");
    BigDecimal delivery = rs.getBigDecimal("delivery_cost");
    return new Order(
        rs.getLong("id"),
        rs.getString("status"),
        rs.getString("customer_name"),
        rs.getString("customer_phone"),
        rs.getString("customer_address"),
        delivery,
        paidAt == null ? null : paidAt.toInstant(),
        rs.getBoolean("invoice_exported_to_1c"),
        rs.getString("invoice_number"),
        exportedAt == null ? null : exportedAt.toInstant(),
        rs.getBigDecimal("total_amount"),
        List.of());
  }
}
