package org.onecexporter.db;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.onecexporter.domain.Order;
import org.onecexporter.domain.OrderItem;

/**
 * OpenCart / ocStore 3.x and 4.x: {@code order}, {@code order_product}, {@code order_total},
 * {@code order_history}, {@code order_status}, {@code product}. Read only; the invoice number and flag go into our
 * ledger.
 *
 * <p>Paid: {@code order_status_id} in the configured set (default 2 Processing, 3 Shipped, 5 Complete,
 * 15 Processed: OpenCart's own rows; Pending, Canceled, Refunded, Reversed, Chargeback... are not). The payment
 * time is the first history entry with a paid status. OpenCart keeps times in the shop's zone
 * ({@code SHOP_TIMEZONE}). Prices as paid: {@code price + tax} per unit; delivery is the {@code shipping} total; the
 * invoice total must equal the order's {@code total}. The articul is the product's model, or its SKU.
 */
public final class OpenCartSource implements OrderSource {
  public static final Set<Integer> DEFAULT_PAID_STATUS_IDS = Set.of(2, 3, 5, 15);
  /** OpenCart's own rows: 11 Refunded, 12 Reversed, 13 Chargeback (the money went back). */
  public static final Set<Integer> DEFAULT_REFUNDED_STATUS_IDS = Set.of(11, 12, 13);
  /** OpenCart's own rows: 7 Canceled, 16 Voided. */
  public static final Set<Integer> DEFAULT_CANCELLED_STATUS_IDS = Set.of(7, 16);

  /** Which product field is the articul in 1C. */
  public enum Articul { MODEL, SKU }

  private final String p;
  private final Set<Integer> paidIds;
  private final String paidLiterals;
  private final Articul articul;
  private final ZoneId shopZone;
  private final long window;
  private final Set<Integer> refundedIds;
  private final Set<Integer> cancelledIds;
  private final String cancelLiterals;

  /** Every order is a reconciler candidate. */
  public OpenCartSource(String tablePrefix, Set<Integer> paidStatusIds, Articul articul, ZoneId shopZone) {
    this(tablePrefix, paidStatusIds, articul, shopZone, 0);
  }

  /** @param window the reconciler looks at the newest {@code window} order ids only (0: all) */
  public OpenCartSource(String tablePrefix, Set<Integer> paidStatusIds, Articul articul, ZoneId shopZone,
      long window) {
    this(tablePrefix, paidStatusIds, articul, shopZone, window, DEFAULT_REFUNDED_STATUS_IDS,
        DEFAULT_CANCELLED_STATUS_IDS);
  }

  /**
   * @param refundedStatusIds statuses that mean "refunded" once the order was paid (a paid status in its history)
   * @param cancelledStatusIds statuses that mean "cancelled" once the order was paid
   */
  public OpenCartSource(String tablePrefix, Set<Integer> paidStatusIds, Articul articul, ZoneId shopZone,
      long window, Set<Integer> refundedStatusIds, Set<Integer> cancelledStatusIds) {
    this.refundedIds = Set.copyOf(refundedStatusIds);
    this.cancelledIds = Set.copyOf(cancelledStatusIds);
    java.util.Set<Integer> both = new java.util.TreeSet<>(refundedStatusIds);
    both.addAll(cancelledStatusIds);
    this.cancelLiterals = ShopRows.intLiterals("OPENCART_REFUNDED_STATUS_IDS, OPENCART_CANCELLED_STATUS_IDS", both);
    this.window = window;
    this.p = ShopRows.prefix("SHOP_TABLE_PREFIX", tablePrefix);
    this.paidIds = Set.copyOf(paidStatusIds);
    this.paidLiterals = ShopRows.intLiterals("OPENCART_PAID_STATUS_IDS", new java.util.TreeSet<>(paidStatusIds));
    this.articul = articul;
    this.shopZone = shopZone;
  }

  @Override
  public String name() {
    return "opencart";
  }

  @Override
  public boolean ownLedger() {
    return true;
  }

  @Override
  public Optional<Order> read(Handle handle, Dialect dialect, long orderId) {
    Optional<Order> order = handle.createQuery("""
            SELECT o.order_id, o.order_status_id, o.firstname, o.lastname, o.telephone, o.total,
                   o.payment_firstname, o.payment_lastname, o.payment_postcode, o.payment_zone, o.payment_city,
                   o.payment_address_1, o.payment_address_2,
                   o.shipping_firstname, o.shipping_lastname, o.shipping_postcode, o.shipping_zone, o.shipping_city,
                   o.shipping_address_1, o.shipping_address_2, o.date_modified,
                   (SELECT s.name FROM `%1$sorder_status` s WHERE s.order_status_id = o.order_status_id
                     ORDER BY s.language_id LIMIT 1) AS status_name,
                   (SELECT MIN(h.date_added) FROM `%1$sorder_history` h
                     WHERE h.order_id = o.order_id AND h.order_status_id IN (%2$s)) AS paid_at,
                   (SELECT SUM(t.value) FROM `%1$sorder_total` t
                     WHERE t.order_id = o.order_id AND t.code = 'shipping') AS shipping
              FROM `%1$sorder` o
             WHERE o.order_id = :id""".formatted(p, paidLiterals))
        .bind("id", orderId)
        .map((rs, ctx) -> {
          int statusId = rs.getInt("order_status_id");
          boolean paid = paidIds.contains(statusId);
          LocalDateTime paidAt = rs.getObject("paid_at", LocalDateTime.class);
          // After payment only: a paid status in the order's history (an order cancelled unpaid is just that).
          String cancelled = paidAt == null ? null
              : refundedIds.contains(statusId) ? Order.STATUS_REFUNDED
              : cancelledIds.contains(statusId) ? Order.STATUS_CANCELLED : null;
          if (paidAt == null && paid) {
            paidAt = rs.getObject("date_modified", LocalDateTime.class);
          }
          String statusName = rs.getString("status_name");
          String name = ShopRows.firstNonBlank(ShopRows.person(rs.getString("firstname"), rs.getString("lastname")),
              ShopRows.firstNonBlank(
                  ShopRows.person(rs.getString("payment_firstname"), rs.getString("payment_lastname")),
                  ShopRows.person(rs.getString("shipping_firstname"), rs.getString("shipping_lastname"))));
          String shipping = ShopRows.join(rs.getString("shipping_postcode"), rs.getString("shipping_zone"),
              rs.getString("shipping_city"), rs.getString("shipping_address_1"), rs.getString("shipping_address_2"));
          String payment = ShopRows.join(rs.getString("payment_postcode"), rs.getString("payment_zone"),
              rs.getString("payment_city"), rs.getString("payment_address_1"), rs.getString("payment_address_2"));
          return new Order(
              rs.getLong("order_id"),
              paid ? Order.STATUS_PAID
                  : cancelled != null ? cancelled
                  : (statusName == null ? "" : statusName + " ") + "(order_status_id " + statusId + ")",
              name,
              rs.getString("telephone"),
              ShopRows.blank(rs.getString("shipping_address_1")) ? payment : shipping,
              ShopRows.money(rs.getBigDecimal("shipping")),
              paidAt == null ? null : paidAt.atZone(shopZone).toInstant(),
              false, null, null,
              ShopRows.money(rs.getBigDecimal("total")),
              List.of());
        })
        .findOne();
    if (order.isEmpty()) {
      return order;
    }
    List<OrderItem> items = new ArrayList<>();
    handle.createQuery("""
            SELECT op.order_product_id, op.name, op.model, pr.sku, op.quantity, op.price, op.tax
              FROM `%1$sorder_product` op
              LEFT JOIN `%1$sproduct` pr ON pr.product_id = op.product_id
             WHERE op.order_id = :id
             ORDER BY op.order_product_id""".formatted(p))
        .bind("id", orderId)
        .map((rs, ctx) -> new OrderItem(0, articul == Articul.SKU ? rs.getString("sku") : rs.getString("model"),
            rs.getString("name"), rs.getBigDecimal("quantity"),
            ShopRows.money(ShopRows.sum(rs.getBigDecimal("price"), rs.getBigDecimal("tax")))))
        .forEach(i -> items.add(new OrderItem(items.size() + 1, i.articul(), i.name(), i.quantity(), i.price())));
    return Optional.of(order.get().withItems(items));
  }

  @Override
  public long candidateFloor(Handle handle) {
    return ShopRows.windowFloor(handle, "SELECT COALESCE(MAX(order_id), 0) FROM `%sorder`".formatted(p), window);
  }

  @Override
  public String candidatesQuery(Dialect dialect) {
    // No age filter: OpenCart records the status and its history entry in one request, so a paid status is
    // already committed when it can be read (the reconciler's minimum age guards the reference schema's shops).
    return """
        SELECT o.order_id FROM `%1$sorder` o FORCE INDEX (PRIMARY)
          LEFT JOIN onec_exporter_ledger l ON l.order_id = o.order_id
         WHERE o.order_status_id IN (%2$s)
           AND %3$s
           AND o.order_id > :after AND o.order_id <= :upTo
         ORDER BY o.order_id
         LIMIT :limit""".formatted(p, paidLiterals, ShopRows.LEDGER_NOT_EXPORTED);
  }

  @Override
  public String cancelCandidatesQuery(Dialect dialect) {
    return ShopRows.ledgerCancelCandidates(dialect, "`" + p + "order`", "order_id",
        "o.order_status_id IN (" + cancelLiterals + ")");
  }
}
