package org.onecexporter.db;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.onecexporter.domain.Order;
import org.onecexporter.domain.OrderItem;

/**
 * WooCommerce with High-Performance Order Storage: {@code wc_orders}, {@code wc_order_addresses},
 * {@code wc_order_operational_data}, {@code woocommerce_order_items} with their meta, SKUs from
 * {@code wc_product_meta_lookup}. Read only; the invoice number and flag go into our ledger.
 *
 * <p>Paid: an order ({@code type = 'shop_order'}) in one of the paid statuses (default {@code wc-processing},
 * {@code wc-completed}) with a payment date ({@code date_paid_gmt}). Prices as the customer paid them: a line's
 * {@code _line_total} (after coupons) plus {@code _line_tax}, over {@code _qty}; delivery is the shipping total
 * plus its tax; the invoice total must equal the order's {@code total_amount}.
 */
public final class WooCommerceSource implements OrderSource {
  public static final List<String> DEFAULT_PAID_STATUSES = List.of("wc-processing", "wc-completed");
  /** A full refund: WooCommerce sets it when the refunded amount reaches the order's total. */
  public static final List<String> DEFAULT_REFUNDED_STATUSES = List.of("wc-refunded");
  public static final List<String> DEFAULT_CANCELLED_STATUSES = List.of("wc-cancelled");

  private final String p;
  private final List<String> paidStatuses;
  private final String paidLiterals;
  private final long window;
  private final List<String> refundedStatuses;
  private final List<String> cancelledStatuses;
  private final String cancelLiterals;

  /** Every order is a reconciler candidate (see {@link #WooCommerceSource(String, List, long)}). */
  public WooCommerceSource(String tablePrefix, List<String> paidStatuses) {
    this(tablePrefix, paidStatuses, 0);
  }

  /** @param window the reconciler looks at the newest {@code window} order ids only (0: all) */
  public WooCommerceSource(String tablePrefix, List<String> paidStatuses, long window) {
    this(tablePrefix, paidStatuses, window, DEFAULT_REFUNDED_STATUSES, DEFAULT_CANCELLED_STATUSES);
  }

  /**
   * @param refundedStatuses statuses that mean "refunded" once the order was paid (a partial refund keeps the
   *     order's status in WooCommerce: it is not one)
   * @param cancelledStatuses statuses that mean "cancelled" once the order was paid
   */
  public WooCommerceSource(String tablePrefix, List<String> paidStatuses, long window, List<String> refundedStatuses,
      List<String> cancelledStatuses) {
    this.refundedStatuses = List.copyOf(refundedStatuses);
    this.cancelledStatuses = List.copyOf(cancelledStatuses);
    java.util.List<String> both = new java.util.ArrayList<>(refundedStatuses);
    both.addAll(cancelledStatuses);
    this.cancelLiterals = ShopRows.statusLiterals("WOOCOMMERCE_REFUNDED_STATUSES, WOOCOMMERCE_CANCELLED_STATUSES",
        both);
    this.window = window;
    this.p = ShopRows.prefix("SHOP_TABLE_PREFIX", tablePrefix);
    this.paidStatuses = List.copyOf(paidStatuses);
    this.paidLiterals = ShopRows.statusLiterals("WOOCOMMERCE_PAID_STATUSES", paidStatuses);
  }

  @Override
  public String name() {
    return "woocommerce";
  }

  @Override
  public boolean ownLedger() {
    return true;
  }

  @Override
  public Optional<Order> read(Handle handle, Dialect dialect, long orderId) {
    Optional<Order> order = handle.createQuery("""
            SELECT o.id, o.status, o.total_amount, d.date_paid_gmt, d.shipping_total_amount, d.shipping_tax_amount,
                   b.first_name AS b_first, b.last_name AS b_last, b.phone AS b_phone,
                   b.postcode AS b_postcode, b.state AS b_state, b.city AS b_city,
                   b.address_1 AS b_address_1, b.address_2 AS b_address_2,
                   s.first_name AS s_first, s.last_name AS s_last, s.phone AS s_phone,
                   s.postcode AS s_postcode, s.state AS s_state, s.city AS s_city,
                   s.address_1 AS s_address_1, s.address_2 AS s_address_2
              FROM %1$swc_orders o
              LEFT JOIN %1$swc_order_operational_data d ON d.order_id = o.id
              LEFT JOIN %1$swc_order_addresses b ON b.order_id = o.id AND b.address_type = 'billing'
              LEFT JOIN %1$swc_order_addresses s ON s.order_id = o.id AND s.address_type = 'shipping'
             WHERE o.id = :id AND o.type = 'shop_order'""".formatted(p))
        .bind("id", orderId)
        .map((rs, ctx) -> {
          LocalDateTime paidGmt = rs.getObject("date_paid_gmt", LocalDateTime.class);
          String status = rs.getString("status");
          boolean paid = paidStatuses.contains(status) && paidGmt != null;
          String shipAddress = ShopRows.join(rs.getString("s_postcode"), rs.getString("s_state"),
              rs.getString("s_city"), rs.getString("s_address_1"), rs.getString("s_address_2"));
          String billAddress = ShopRows.join(rs.getString("b_postcode"), rs.getString("b_state"),
              rs.getString("b_city"), rs.getString("b_address_1"), rs.getString("b_address_2"));
          String name = ShopRows.firstNonBlank(ShopRows.person(rs.getString("b_first"), rs.getString("b_last")),
              ShopRows.person(rs.getString("s_first"), rs.getString("s_last")));
          return new Order(
              rs.getLong("id"),
              paid ? Order.STATUS_PAID
                  : paidGmt != null && refundedStatuses.contains(status) ? Order.STATUS_REFUNDED
                  : paidGmt != null && cancelledStatuses.contains(status) ? Order.STATUS_CANCELLED
                  : (status == null ? "" : status) + (paidGmt == null ? " (not paid)" : ""),
              name,
              ShopRows.firstNonBlank(rs.getString("b_phone"), rs.getString("s_phone")),
              ShopRows.blank(rs.getString("s_address_1")) ? billAddress : shipAddress,
              ShopRows.money(ShopRows.sum(rs.getBigDecimal("shipping_total_amount"),
                  rs.getBigDecimal("shipping_tax_amount"))),
              paidGmt == null ? null : paidGmt.toInstant(ZoneOffset.UTC),
              false, null, null,
              ShopRows.money(rs.getBigDecimal("total_amount")),
              List.of());
        })
        .findOne();
    if (order.isEmpty()) {
      return order;
    }
    List<OrderItem> items = handle.createQuery("""
            SELECT x.order_item_id, x.order_item_name, x.qty, x.line_total, x.line_tax,
                   COALESCE(NULLIF(v.sku, ''), pr.sku) AS sku
              FROM (SELECT i.order_item_id, i.order_item_name,
                           MAX(CASE WHEN m.meta_key = '_product_id' THEN m.meta_value END) AS product_id,
                           MAX(CASE WHEN m.meta_key = '_variation_id' THEN m.meta_value END) AS variation_id,
                           MAX(CASE WHEN m.meta_key = '_qty' THEN m.meta_value END) AS qty,
                           MAX(CASE WHEN m.meta_key = '_line_total' THEN m.meta_value END) AS line_total,
                           MAX(CASE WHEN m.meta_key = '_line_tax' THEN m.meta_value END) AS line_tax
                      FROM %1$swoocommerce_order_items i
                      LEFT JOIN %1$swoocommerce_order_itemmeta m ON m.order_item_id = i.order_item_id
                           AND m.meta_key IN ('_product_id', '_variation_id', '_qty', '_line_total', '_line_tax')
                     WHERE i.order_id = :id AND i.order_item_type = 'line_item'
                     GROUP BY i.order_item_id, i.order_item_name) x
              LEFT JOIN %1$swc_product_meta_lookup v ON v.product_id = CAST(x.variation_id AS UNSIGNED)
                   AND CAST(x.variation_id AS UNSIGNED) > 0
              LEFT JOIN %1$swc_product_meta_lookup pr ON pr.product_id = CAST(x.product_id AS UNSIGNED)
             ORDER BY x.order_item_id""".formatted(p))
        .bind("id", orderId)
        .map((rs, ctx) -> {
          BigDecimal qty = decimal(rs.getString("qty"));
          return new OrderItem(0, rs.getString("sku"), rs.getString("order_item_name"), qty,
              ShopRows.unitPrice(decimal(rs.getString("line_total")), decimal(rs.getString("line_tax")), qty));
        })
        .list();
    return Optional.of(order.get().withItems(ShopRows.numbered(items)));
  }

  @Override
  public long candidateFloor(Handle handle) {
    return ShopRows.windowFloor(handle, "SELECT COALESCE(MAX(id), 0) FROM %swc_orders".formatted(p), window);
  }

  @Override
  public String candidatesQuery(Dialect dialect) {
    // The orders' primary key drives, as a range from the cursor (the window's floor), whatever the statistics
    // say: left to itself the optimizer may scan the whole table when the range is a large share of it.
    return """
        SELECT STRAIGHT_JOIN o.id FROM %1$swc_orders o FORCE INDEX (PRIMARY)
          JOIN %1$swc_order_operational_data d ON d.order_id = o.id
          LEFT JOIN onec_exporter_ledger l ON l.order_id = o.id
         WHERE o.type = 'shop_order' AND o.status IN (%2$s)
           AND d.date_paid_gmt IS NOT NULL AND d.date_paid_gmt < %3$s
           AND %4$s
           AND o.id > :after AND o.id <= :upTo
         ORDER BY o.id
         LIMIT :limit""".formatted(p, paidLiterals, dialect.agoMicros("age_us"), ShopRows.LEDGER_NOT_EXPORTED);
  }

  @Override
  public String cancelCandidatesQuery(Dialect dialect) {
    return ShopRows.ledgerCancelCandidates(dialect, p + "wc_orders", "id", "o.type = 'shop_order' AND o.status IN ("
        + cancelLiterals + ")");
  }

  /** A meta value as a number; a value that is not one (a plugin's) is taken as absent. */
  private static BigDecimal decimal(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return new BigDecimal(value.strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
