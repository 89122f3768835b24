package org.onecexporter.shops;

import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Writes an order into WooCommerce's HPOS tables the way WooCommerce does on checkout and payment: the order row,
 * its billing and shipping addresses, its operational data (payment date, shipping and discount totals), and
 * order items (line items, shipping, coupon) with their meta. Times are GMT, as in the *_gmt columns.
 */
public final class WooCommerceWriter {
  record Line(String name, long productId, long variationId, int qty, String subtotal, String total, String tax) {}

  private final long id;
  private String status = "wc-processing";
  private String type = "shop_order";
  private Long parentId;
  private String datePaidGmt = "2026-02-13 09:00:00";
  private String total = "3486.00000000";
  private String taxTotal = "81.00000000";
  private String shipping = "300.00000000";
  private String shippingTax = "0.00000000";
  private String discount = "345.00000000";
  private String shippingAddress1 = "ул. Мясницкая, д. 1, кв. 2";
  private final List<Line> lines = new ArrayList<>(List.of(
      new Line("Чайник электрический", 11, 0, 2, "3000", "2700", "0"),
      new Line("Кружка - Красная", 21, 22, 1, "450", "405", "81")));

  private WooCommerceWriter(long id) {
    this.id = id;
  }

  /** A paid order as WooCommerce writes it: 2 kettles, a red mug with 20% tax, coupon 10%, courier 300. */
  public static WooCommerceWriter aPaidOrder(long id) {
    return new WooCommerceWriter(id);
  }

  WooCommerceWriter status(String value) {
    this.status = value;
    return this;
  }

  public WooCommerceWriter notPaid() {
    this.status = "wc-pending";
    this.datePaidGmt = null;
    return this;
  }

  WooCommerceWriter paidAt(String gmt) {
    this.datePaidGmt = gmt;
    return this;
  }

  WooCommerceWriter noShippingAddress() {
    this.shippingAddress1 = "";
    return this;
  }

  /** A refund as WooCommerce records it: a shop_order_refund row under the order, with negative amounts. */
  static WooCommerceWriter aRefundOf(long parent, long id, String amount) {
    WooCommerceWriter refund = new WooCommerceWriter(id);
    refund.type = "shop_order_refund";
    refund.status = "wc-completed";
    refund.parentId = parent;
    refund.total = "-" + amount;
    refund.taxTotal = "0";
    refund.shipping = "0";
    refund.discount = "0";
    refund.lines.clear();
    return refund;
  }

  /** The catalogue's SKUs, as wc_product_meta_lookup keeps them. */
  public static void products(Jdbi jdbi, String p) {
    jdbi.useHandle(h -> {
      h.execute("INSERT INTO " + p + "wc_product_meta_lookup (product_id, sku, min_price, max_price, stock_status)"
          + " VALUES (11, 'CH-100', 1500, 1500, 'instock'), (21, 'KR', 450, 450, 'instock'),"
          + " (22, 'KR-RED', 450, 450, 'instock')");
    });
  }

  public long insert(Jdbi jdbi, String p) {
    jdbi.useTransaction(h -> {
      h.createUpdate("INSERT INTO " + p + "wc_orders (id, status, currency, type, tax_amount, total_amount,"
              + " customer_id, billing_email, date_created_gmt, date_updated_gmt, parent_order_id, payment_method,"
              + " payment_method_title, transaction_id, ip_address, user_agent, customer_note)"
              + " VALUES (:id, :status, 'RUB', :type, :tax, :total, 0, 'maria@example.ru', '2026-02-13 08:55:00',"
              + " '2026-02-13 09:00:05', :parent, 'yookassa', 'ЮKassa', 'tx-1', '203.0.113.5', 'Mozilla/5.0', '')")
          .bind("id", id).bind("status", status).bind("type", type).bind("tax", taxTotal).bind("total", total)
          .bind("parent", parentId == null ? 0 : parentId)
          .execute();
      if (parentId == null) {
        address(h, p, "billing", "Мария", "Петрова", "", "Москва", "Москва", "101000", "+7 916 555-12-34");
        address(h, p, "shipping", "Мария", "Петрова", shippingAddress1, "Москва", "Москва", "101000", "");
      }
      h.createUpdate("INSERT INTO " + p + "wc_order_operational_data (order_id, created_via, woocommerce_version,"
              + " prices_include_tax, coupon_usages_are_counted, download_permission_granted, cart_hash,"
              + " new_order_email_sent, order_key, order_stock_reduced, date_paid_gmt, date_completed_gmt,"
              + " shipping_tax_amount, shipping_total_amount, discount_tax_amount, discount_total_amount,"
              + " recorded_sales) VALUES (:id, 'checkout', '9.6.0', 0, 1, 1, 'abc', 1, :key, 1, :paid, NULL,"
              + " :shippingTax, :shipping, 0, :discount, 1)")
          .bind("id", id).bind("key", "wc_order_" + id).bind("paid", datePaidGmt).bind("shippingTax", shippingTax)
          .bind("shipping", shipping).bind("discount", discount)
          .execute();
      for (Line line : lines) {
        long item = item(h, p, line.name(), "line_item");
        meta(h, p, item, "_product_id", Long.toString(line.productId()));
        meta(h, p, item, "_variation_id", Long.toString(line.variationId()));
        meta(h, p, item, "_qty", Integer.toString(line.qty()));
        meta(h, p, item, "_tax_class", "");
        meta(h, p, item, "_line_subtotal", line.subtotal());
        meta(h, p, item, "_line_subtotal_tax", line.tax());
        meta(h, p, item, "_line_total", line.total());
        meta(h, p, item, "_line_tax", line.tax());
        meta(h, p, item, "_line_tax_data", "a:2:{s:5:\"total\";a:0:{}s:8:\"subtotal\";a:0:{}}");
        meta(h, p, item, "_reduced_stock", Integer.toString(line.qty()));
      }
      if (parentId == null) {
        long ship = item(h, p, "Курьер", "shipping");
        meta(h, p, ship, "method_id", "flat_rate");
        meta(h, p, ship, "instance_id", "1");
        meta(h, p, ship, "cost", shipping);
        meta(h, p, ship, "total_tax", shippingTax);
        long coupon = item(h, p, "sale10", "coupon");
        meta(h, p, coupon, "discount_amount", discount);
        meta(h, p, coupon, "discount_amount_tax", "0");
      }
    });
    return id;
  }

  private void address(Handle h, String p, String type, String first, String last, String address1,
      String city, String state, String postcode, String phone) {
    h.createUpdate("INSERT INTO " + p + "wc_order_addresses (order_id, address_type, first_name, last_name, company,"
            + " address_1, address_2, city, state, postcode, country, email, phone)"
            + " VALUES (:id, :type, :first, :last, '', :a1, '', :city, :state, :postcode, 'RU', :email, :phone)")
        .bind("id", id)
        .bind("type", type).bind("first", first).bind("last", last).bind("a1", address1).bind("city", city)
        .bind("state", state).bind("postcode", postcode).bind("email", "maria@example.ru").bind("phone", phone)
        .execute();
  }

  private long item(Handle h, String p, String name, String type) {
    return h.createUpdate("INSERT INTO " + p + "woocommerce_order_items (order_item_name, order_item_type, order_id)"
            + " VALUES (:name, :type, :id)")
        .bind("name", name).bind("type", type).bind("id", id)
        .executeAndReturnGeneratedKeys("order_item_id").mapTo(Long.class).one();
  }

  private static void meta(Handle h, String p, long item, String key, String value) {
    h.createUpdate("INSERT INTO " + p + "woocommerce_order_itemmeta (order_item_id, meta_key, meta_value)"
            + " VALUES (:item, :key, :value)")
        .bind("item", item).bind("key", key).bind("value", value)
        .execute();
  }
}
