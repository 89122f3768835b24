package org.onecexporter.db;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.onecexporter.domain.Order;
import org.onecexporter.domain.OrderItem;

/** Our reference schema ({@code orders}, {@code order_items}), or views a shop writes over its tables with its names. */
public final class ReferenceSource implements OrderSource {
  public static final ReferenceSource INSTANCE = new ReferenceSource();

  @Override
  public String name() {
    return "reference";
  }

  @Override
  public boolean ownLedger() {
    return false;
  }

  private static final String ORDER_SQL = """
      SELECT id, status, customer_name, customer_phone, customer_address, delivery_cost, paid_at,
             invoice_exported_to_1c, invoice_number, invoice_exported_at, total_amount
        FROM orders WHERE id = ?""";
  private static final String ITEMS_SQL = """
      SELECT line_no, articul, name, quantity, price
        FROM order_items WHERE order_id = ? ORDER BY line_no""";
  /** The same reads for a pipeline; the timestamps as PostgreSQL's driver reads them. */
  private static final PipelinedRead PIPELINED = new PipelinedRead(ORDER_SQL + ";\n" + ITEMS_SQL + ";\n", 2,
      i -> i == 0 ? rs -> order(rs, Dialect.POSTGRESQL) : ReferenceSource::item,
      rows -> rows.get(0).isEmpty() ? Optional.empty()
          : Optional.of(((Order) rows.get(0).get(0)).withItems(rows.get(1).stream().map(OrderItem.class::cast)
              .toList())));

  @Override
  public Optional<Order> read(Handle handle, Dialect dialect, long orderId) {
    Optional<Order> order = handle.createQuery(ORDER_SQL)
        .bind(0, orderId)
        .map((rs, ctx) -> order(rs, dialect))
        .findOne();
    if (order.isEmpty()) {
      return order;
    }
    List<OrderItem> items = handle.createQuery(ITEMS_SQL)
        .bind(0, orderId)
        .map((rs, ctx) -> item(rs))
        .list();
    return Optional.of(order.get().withItems(items));
  }

  @Override
  public PipelinedRead pipelinedRead() {
    return PIPELINED;
  }

  private static Order order(ResultSet rs, Dialect dialect) throws SQLException {
    return new Order(
        rs.getLong("id"),
        rs.getString("status"),
        rs.getString("customer_name"),
        rs.getString("customer_phone"),
        rs.getString("customer_address"),
        rs.getBigDecimal("delivery_cost"),
        dialect.instant(rs, "paid_at"),
        rs.getBoolean("invoice_exported_to_1c"),
        rs.getString("invoice_number"),
        dialect.instant(rs, "invoice_exported_at"),
        rs.getBigDecimal("total_amount"),
        List.of());
  }

  private static OrderItem item(ResultSet rs) throws SQLException {
    return new OrderItem(rs.getInt("line_no"), rs.getString("articul"), rs.getString("name"),
        rs.getBigDecimal("quantity"), rs.getBigDecimal("price"));
  }

  @Override
  public String candidatesQuery(Dialect dialect) {
    return """
        SELECT id FROM orders
         WHERE status = 'paid' AND NOT invoice_exported_to_1c
           AND (paid_at IS NULL OR paid_at < %s)
           AND id > :after AND id <= :upTo
           AND NOT EXISTS (SELECT 1 FROM onec_exporter_ledger l
                            WHERE l.order_id = orders.id AND l.invoice_cancel_requested_at IS NOT NULL)
         ORDER BY id
         LIMIT :limit""".formatted(dialect.agoMicros("age_us"));
  }

  @Override
  public String cancelCandidatesQuery(Dialect dialect) {
    return """
        SELECT o.id FROM orders o
          LEFT JOIN onec_exporter_ledger l ON l.order_id = o.id
         WHERE o.status IN ('refunded', 'cancelled') AND o.invoice_number IS NOT NULL
           AND (l.order_id IS NULL OR (l.invoice_cancelled_at IS NULL AND l.invoice_cancel_answer IS NULL))
           AND o.id > :after AND o.id <= :upTo
         ORDER BY o.id
         LIMIT :limit""";
  }
}
