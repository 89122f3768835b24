package org.onecexporter.shops;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Writes an order the way OpenCart's checkout does (catalog/model/checkout/order.php: addOrder, then addHistory for
 * each status change): the order row, its products and totals, then the status with a history entry. The session
 * runs with OpenCart's own sql_mode (its MySQLi driver sets it), which lets unnamed NOT NULL columns take their
 * implicit defaults as OpenCart relies on. Times are the shop's local time (Europe/Moscow here).
 */
final class OpenCartWriter {
  private final long id;
  private final int[] statuses;
  private String telephone = "8 903 123-45-67";

  private OpenCartWriter(long id, int... statuses) {
    this.id = id;
    this.statuses = statuses;
  }

  /** Placed (Pending, 1) at 11:58, paid (Processing, 2) at 12:00 Moscow time on 2026-02-13. */
  static OpenCartWriter aPaidOrder(long id) {
    return new OpenCartWriter(id, 1, 2);
  }

  /** With this status history (the last is the order's status). */
  static OpenCartWriter anOrder(long id, int... statuses) {
    return new OpenCartWriter(id, statuses);
  }

  static void products(Jdbi jdbi, String p) {
    jdbi.useHandle(h -> {
      openCartSession(h);
      h.execute("INSERT INTO `" + p + "product` (product_id, model, sku, price, status, date_added, date_modified)"
          + " VALUES (31, 'FL-1', 'SKU-FL-1', 250, 1, NOW(), NOW()), (32, 'BAT-AA', 'SKU-BAT', 45.5, 1, NOW(), NOW())");
    });
  }

  long insert(Jdbi jdbi, String p) {
    jdbi.useTransaction(h -> {
      openCartSession(h);
      h.createUpdate("INSERT INTO `" + p + "order` SET order_id = :id, invoice_prefix = 'INV-2026-00',"
              + " store_id = 0, store_name = 'Магазин', store_url = 'https://shop.example/', customer_id = 0,"
              + " customer_group_id = 1, firstname = 'Сергей', lastname = 'Смирнов', email = 's@example.ru',"
              + " telephone = :tel, custom_field = '[]', payment_firstname = 'Сергей', payment_lastname = 'Смирнов',"
              + " payment_company = '', payment_address_1 = 'ул. Садовая, 5', payment_address_2 = '',"
              + " payment_city = 'Санкт-Петербург', payment_postcode = '190000', payment_country = 'Russian Federation',"
              + " payment_country_id = 176, payment_zone = 'Санкт-Петербург', payment_zone_id = 2785,"
              + " payment_address_format = '', payment_custom_field = '[]', payment_method = 'Оплата картой',"
              + " shipping_firstname = 'Сергей', shipping_lastname = 'Смирнов', shipping_company = '',"
              + " shipping_address_1 = 'Невский пр., д. 10', shipping_address_2 = 'кв. 3',"
              + " shipping_city = 'Санкт-Петербург', shipping_postcode = '191025',"
              + " shipping_country = 'Russian Federation', shipping_country_id = 176,"
              + " shipping_zone = 'Санкт-Петербург', shipping_zone_id = 2785, shipping_address_format = '',"
              + " shipping_custom_field = '[]', shipping_method = 'Курьер', comment = '', total = 1282.0000,"
              + " affiliate_id = 0, commission = 0, marketing_id = 0, tracking = '', language_id = 1,"
              + " currency_id = 1, currency_code = 'RUB', currency_value = 1.00000000, ip = '203.0.113.7',"
              + " forwarded_ip = '', user_agent = 'Mozilla/5.0', accept_language = 'ru-RU',"
              + " date_added = '2026-02-13 11:58:00', date_modified = '2026-02-13 11:58:00'")
          .bind("id", id).bind("tel", telephone).execute();
      h.createUpdate("INSERT INTO `" + p + "order_product` SET order_id = :id, product_id = 31, name = 'Фонарь',"
          + " model = 'FL-1', quantity = 3, price = 250.0000, total = 750.0000, tax = 0.0000, reward = 0")
          .bind("id", id).execute();
      h.createUpdate("INSERT INTO `" + p + "order_product` SET order_id = :id, product_id = 32,"
          + " name = 'Батарейка АА', model = 'BAT-AA', quantity = 4, price = 45.5000, total = 182.0000,"
          + " tax = 0.0000, reward = 0")
          .bind("id", id).execute();
      total(h, p, "sub_total", "Сумма", "932.0000", 1);
      total(h, p, "shipping", "Курьер", "350.0000", 3);
      total(h, p, "total", "Итого", "1282.0000", 9);
      int minute = 58;
      for (int status : statuses) {
        String at = minute < 60 ? "2026-02-13 11:%02d:00".formatted(minute) : "2026-02-13 12:%02d:00".formatted(minute - 60);
        h.createUpdate("UPDATE `" + p + "order` SET order_status_id = :s, date_modified = :at WHERE order_id = :id")
            .bind("s", status).bind("at", at).bind("id", id).execute();
        h.createUpdate("INSERT INTO `" + p + "order_history` SET order_id = :id, order_status_id = :s, notify = 0,"
            + " comment = '', date_added = :at").bind("id", id).bind("s", status).bind("at", at).execute();
        minute += 2;
      }
    });
    return id;
  }

  private void total(Handle h, String p, String code, String title, String value, int sort) {
    h.createUpdate("INSERT INTO `" + p + "order_total` SET order_id = :id, code = :code, title = :title,"
            + " `value` = :value, sort_order = :sort")
        .bind("id", id).bind("code", code).bind("title", title).bind("value", value).bind("sort", sort).execute();
  }

  private static void openCartSession(Handle h) {
    h.execute("SET SESSION sql_mode = 'NO_ZERO_IN_DATE,NO_ENGINE_SUBSTITUTION'");
  }
}
