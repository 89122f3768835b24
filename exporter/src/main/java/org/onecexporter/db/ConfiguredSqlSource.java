package org.onecexporter.db;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.onecexporter.domain.Order;
import org.onecexporter.domain.OrderItem;

/**
 * Any other schema, by three queries in the configuration ({@code ORDER_SQL_ORDER}, {@code ORDER_SQL_LINES},
 * {@code ORDER_SQL_PAID_IDS}); read only, the invoice number and flag go into our ledger.
 * <ul>
 *   <li>the order, by {@code :id}: columns {@code id, status} ({@code 'paid'} when paid), {@code customer_name,
 *       customer_phone, customer_address, delivery_cost, paid_at} (UTC on MariaDB/MySQL), {@code total_amount}
 *       (may be NULL);</li>
 *   <li>its lines, by {@code :id}: {@code articul, name, quantity, price} (as paid, per unit), in invoice order;</li>
 *   <li>the ids of all paid orders, as column {@code id}; the exporter adds the cursor, the order, the limit and
 *       leaves out the exported ones (it wraps the query);</li>
 *   <li>optional ({@code ORDER_SQL_CANCELLED_IDS}): the ids of orders refunded or cancelled after payment, as
 *       column {@code id}; the reconciler cancels their invoices. The order query says so with {@code status}
 *       {@code 'refunded'} or {@code 'cancelled'}.</li>
 * </ul>
 */
public final class ConfiguredSqlSource implements OrderSource {
  private final String orderQuery;
  private final String linesQuery;
  private final String paidIdsQuery;
  private final String cancelledIdsQuery;

  public ConfiguredSqlSource(String orderQuery, String linesQuery, String paidIdsQuery) {
    this(orderQuery, linesQuery, paidIdsQuery, null);
  }

  /**
   * @param cancelledIdsQuery the ids of orders refunded or cancelled after payment, as column {@code id}
   *     ({@code ORDER_SQL_CANCELLED_IDS}); null or blank: the reconciler finds no cancellations (they still come
   *     through the enqueuer), and the order query's {@code status} ({@code 'refunded'} or {@code 'cancelled'})
   *     still stops an export
   */
  public ConfiguredSqlSource(String orderQuery, String linesQuery, String paidIdsQuery, String cancelledIdsQuery) {
    this.cancelledIdsQuery = cancelledIdsQuery == null || cancelledIdsQuery.isBlank() ? null : cancelledIdsQuery;
    this.orderQuery = orderQuery;
    this.linesQuery = linesQuery;
    this.paidIdsQuery = paidIdsQuery;
  }

  @Override
  public String name() {
    return "sql";
  }

  @Override
  public boolean ownLedger() {
    return true;
  }

  @Override
  public Optional<Order> read(Handle handle, Dialect dialect, long orderId) {
    Optional<Order> order = handle.createQuery(orderQuery)
        .bind("id", orderId)
        .map((rs, ctx) -> new Order(rs.getLong("id"), rs.getString("status"), rs.getString("customer_name"),
            rs.getString("customer_phone"), rs.getString("customer_address"), rs.getBigDecimal("delivery_cost"),
            dialect.instant(rs, "paid_at"), false, null, null, rs.getBigDecimal("total_amount"), List.of()))
        .findFirst();
    if (order.isEmpty()) {
      return order;
    }
    java.util.ArrayList<OrderItem> items = new java.util.ArrayList<>();
    handle.createQuery(linesQuery)
        .bind("id", orderId)
        .map((rs, ctx) -> new OrderItem(0, rs.getString("articul"), rs.getString("name"), rs.getBigDecimal("quantity"),
            rs.getBigDecimal("price")))
        .forEach(i -> items.add(new OrderItem(items.size() + 1, i.articul(), i.name(), i.quantity(), i.price())));
    return Optional.of(order.get().withItems(items));
  }

  @Override
  public String candidatesQuery(Dialect dialect) {
    return """
        SELECT c.id FROM (%s) c
          LEFT JOIN onec_exporter_ledger l ON l.order_id = c.id
         WHERE %2$s
           AND c.id > :after AND c.id <= :upTo
         ORDER BY c.id
         LIMIT :limit""".formatted(paidIdsQuery, ShopRows.LEDGER_NOT_EXPORTED);
  }

  @Override
  public String cancelCandidatesQuery(Dialect dialect) {
    if (cancelledIdsQuery == null) {
      return null;
    }
    return """
        SELECT l.order_id FROM onec_exporter_ledger l
         WHERE l.invoice_number IS NOT NULL
           AND l.invoice_cancelled_at IS NULL AND l.invoice_cancel_answer IS NULL
           AND l.order_id IN (SELECT c.id FROM (%s) c)
           AND l.order_id > :after AND l.order_id <= :upTo
         ORDER BY l.order_id
         LIMIT :limit""".formatted(cancelledIdsQuery);
  }
}
