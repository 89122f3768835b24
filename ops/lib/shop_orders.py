#!/usr/bin/env python3
"""Writes SQL that records N orders the way WooCommerce (HPOS) or OpenCart records them, for ops/demo --shop.

Usage: shop_orders.py woocommerce|opencart N PREFIX > orders.sql
Most orders are paid; every 17th is still pending (unpaid), every 23rd was cancelled, every 29th has no usable
phone (the exporter refuses it: a DLQ entry with the reason). Cyrillic names, fractional-free quantities.
"""
import sys

kind, count, p = sys.argv[1], int(sys.argv[2]), sys.argv[3]
names = [("Иван", "Иванов"), ("Мария", "Соколова"), ("Пётр", "Смирнов"), ("Анна", "Кузнецова"),
         ("Ольга", "Попова"), ("Дмитрий", "Васильев"), ("Екатерина", "Новикова"), ("Алексей", "Фёдоров")]
products = [(101, "ФР-00000044", "Варочная панель", 12990), (102, "КБ-2.5", "Кабель ВВГнг 3×2,5 (бухта)", 1450),
            (103, "ЛМП-7", "Лампа светодиодная E27", 149.9), (104, "ЧН-100", "Чайник электрический", 2390)]


def q(s):
    return "'" + str(s).replace("\\", "\\\\").replace("'", "''") + "'"


out = []
if kind == "woocommerce":
    out.append("INSERT INTO %swc_product_meta_lookup (product_id, sku, min_price, max_price) VALUES %s;" % (
        p, ", ".join("(%d, %s, %s, %s)" % (pid, q(sku), price, price) for pid, sku, _, price in products)))
    item = 0
    for n in range(1, count + 1):
        oid = 1000 + n
        first, last = names[n % len(names)]
        status, paid = "wc-processing", "'2026-02-13 09:%02d:00'" % (n % 60)
        if n % 17 == 0:
            status, paid = "wc-pending", "NULL"
        elif n % 23 == 0:
            status, paid = "wc-cancelled", "NULL"
        phone = "звоните в офис" if n % 29 == 0 else "+7 916 %03d-%02d-%02d" % (n % 1000, n % 100, (n * 7) % 100)
        lines = [products[n % 4], products[(n + 1) % 4]]
        qtys = [1 + n % 3, 1]
        total = sum(l[3] * k for l, k in zip(lines, qtys)) + 300
        out.append("INSERT INTO %swc_orders (id, status, currency, type, tax_amount, total_amount, customer_id,"
                   " billing_email, date_created_gmt, date_updated_gmt, parent_order_id, payment_method,"
                   " payment_method_title) VALUES (%d, %s, 'RUB', 'shop_order', 0, %.2f, 0, %s,"
                   " '2026-02-13 08:50:00', '2026-02-13 09:00:00', 0, 'yookassa', 'ЮKassa');"
                   % (p, oid, q(status), total, q("c%d@example.ru" % n)))
        for t in ("billing", "shipping"):
            out.append("INSERT INTO %swc_order_addresses (order_id, address_type, first_name, last_name, company,"
                       " address_1, address_2, city, state, postcode, country, email, phone) VALUES (%d, %s, %s, %s,"
                       " '', %s, '', 'Москва', 'Москва', '101000', 'RU', %s, %s);"
                       % (p, oid, q(t), q(first), q(last), q("ул. Ленина, д. %d" % n), q("c%d@example.ru" % n),
                          q(phone if t == "billing" else "")))
        out.append("INSERT INTO %swc_order_operational_data (order_id, created_via, woocommerce_version,"
                   " prices_include_tax, order_key, date_paid_gmt, shipping_tax_amount, shipping_total_amount,"
                   " discount_tax_amount, discount_total_amount) VALUES (%d, 'checkout', '9.6.0', 0, %s, %s, 0, 300,"
                   " 0, 0);" % (p, oid, q("wc_order_%d" % oid), paid))
        for (pid, sku, name, price), k in zip(lines, qtys):
            item += 1
            out.append("INSERT INTO %swoocommerce_order_items (order_item_id, order_item_name, order_item_type,"
                       " order_id) VALUES (%d, %s, 'line_item', %d);" % (p, item, q(name), oid))
            meta = {"_product_id": pid, "_variation_id": 0, "_qty": k, "_tax_class": "",
                    "_line_subtotal": "%.2f" % (price * k), "_line_subtotal_tax": 0,
                    "_line_total": "%.2f" % (price * k), "_line_tax": 0}
            out.append("INSERT INTO %swoocommerce_order_itemmeta (order_item_id, meta_key, meta_value) VALUES %s;"
                       % (p, ", ".join("(%d, %s, %s)" % (item, q(mk), q(mv)) for mk, mv in meta.items())))
        item += 1
        out.append("INSERT INTO %swoocommerce_order_items (order_item_id, order_item_name, order_item_type, order_id)"
                   " VALUES (%d, 'Курьер', 'shipping', %d);" % (p, item, oid))
        out.append("INSERT INTO %swoocommerce_order_itemmeta (order_item_id, meta_key, meta_value) VALUES"
                   " (%d, 'method_id', 'flat_rate'), (%d, 'cost', '300.00'), (%d, 'total_tax', '0');"
                   % (p, item, item, item))
elif kind == "opencart":
    out.append("SET SESSION sql_mode = 'NO_ZERO_IN_DATE,NO_ENGINE_SUBSTITUTION';")
    out.append("INSERT INTO `%sproduct` (product_id, model, sku, price, status, date_added, date_modified) VALUES %s;"
               % (p, ", ".join("(%d, %s, %s, %s, 1, NOW(), NOW())" % (pid, q(sku), q("SKU-%d" % pid), price)
                               for pid, sku, _, price in products)))
    for n in range(1, count + 1):
        oid = 1000 + n
        first, last = names[n % len(names)]
        history = [1, 2]
        if n % 17 == 0:
            history = [1]
        elif n % 23 == 0:
            history = [1, 7]
        phone = "звоните в офис" if n % 29 == 0 else "+7 916 %03d-%02d-%02d" % (n % 1000, n % 100, (n * 7) % 100)
        lines = [products[n % 4], products[(n + 1) % 4]]
        qtys = [1 + n % 3, 1]
        sub = sum(l[3] * k for l, k in zip(lines, qtys))
        out.append("INSERT INTO `%sorder` SET order_id = %d, store_id = 0, store_name = 'Магазин',"
                   " store_url = 'https://shop.example/', customer_group_id = 1, firstname = %s, lastname = %s,"
                   " email = %s, telephone = %s, shipping_firstname = %s, shipping_lastname = %s,"
                   " shipping_address_1 = %s, shipping_city = 'Санкт-Петербург', shipping_postcode = '190000',"
                   " shipping_zone = 'Санкт-Петербург', shipping_method = 'Курьер', total = %.4f,"
                   " order_status_id = %d, language_id = 1, currency_id = 1, currency_code = 'RUB',"
                   " currency_value = 1, date_added = '2026-02-13 11:58:00', date_modified = '2026-02-13 12:00:00';"
                   % (p, oid, q(first), q(last), q("c%d@example.ru" % n), q(phone), q(first), q(last),
                      q("Невский пр., д. %d" % n), sub + 350, history[-1]))
        for (pid, sku, name, price), k in zip(lines, qtys):
            out.append("INSERT INTO `%sorder_product` SET order_id = %d, product_id = %d, name = %s, model = %s,"
                       " quantity = %d, price = %.4f, total = %.4f, tax = 0, reward = 0;"
                       % (p, oid, pid, q(name), q(sku), k, price, price * k))
        for code, title, value, sort in (("sub_total", "Сумма", sub, 1), ("shipping", "Курьер", 350, 3),
                                         ("total", "Итого", sub + 350, 9)):
            out.append("INSERT INTO `%sorder_total` SET order_id = %d, code = %s, title = %s, `value` = %.4f,"
                       " sort_order = %d;" % (p, oid, q(code), q(title), value, sort))
        for i, status in enumerate(history):
            out.append("INSERT INTO `%sorder_history` SET order_id = %d, order_status_id = %d, notify = 0,"
                       " comment = '', date_added = '2026-02-13 1%d:%02d:00';" % (p, oid, status, 1 + i, 58 if i == 0 else 0))
else:
    sys.exit("usage: shop_orders.py woocommerce|opencart N PREFIX")
print("\n".join(out))
