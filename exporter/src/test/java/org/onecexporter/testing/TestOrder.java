package org.onecexporter.testing;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.onecexporter.domain.Order;
import org.onecexporter.domain.OrderItem;

/** Builds an order the way a shop inserts it: plain SQL into the reference schema. */
public final class TestOrder {
  private final long id;
  private String status = "paid";
  private String name = "Иван Иванов";
  private String phone = "8 (999) 123-45-67";
  private String address = "Москва, ул. Ленина, 1";
  private BigDecimal delivery = new BigDecimal("500");
  private OffsetDateTime paidAt = OffsetDateTime.parse("2026-02-13T12:00:00+03:00");
  private BigDecimal totalAmount;
  private String invoiceNumber;
  private final List<OrderItem> items = new ArrayList<>();

  private TestOrder(long id) {
    this.id = id;
  }

  /** A valid paid order with one line, 2 × 122334 + 500 delivery = 245168. */
  public static TestOrder aPaidOrder(long id) {
    return new TestOrder(id).item("ФР-00000044", "Варочная панель", "2", "122334");
  }

  public static TestOrder anOrderWithoutItems(long id) {
    return new TestOrder(id);
  }

  public TestOrder status(String value) {
    this.status = value;
    return this;
  }

  public TestOrder customer(String customerName, String customerPhone, String customerAddress) {
    this.name = customerName;
    this.phone = customerPhone;
    this.address = customerAddress;
    return this;
  }

  public TestOrder delivery(String value) {
    this.delivery = new BigDecimal(value);
    return this;
  }

  public TestOrder paidAt(String isoOffsetDateTime) {
    this.paidAt = isoOffsetDateTime == null ? null : OffsetDateTime.parse(isoOffsetDateTime);
    return this;
  }

  public TestOrder totalAmount(String value) {
    this.totalAmount = new BigDecimal(value);
    return this;
  }

  /** A number set by the shop before the export (the exporter assigns one when there is none). */
  public TestOrder invoiceNumber(String value) {
    this.invoiceNumber = value;
    return this;
  }

  public TestOrder item(String articul, String itemName, String quantity, String price) {
    items.add(new OrderItem(items.size() + 1, articul, itemName,
        quantity == null ? null : new BigDecimal(quantity), price == null ? null : new BigDecimal(price)));
    return this;
  }

  public TestOrder noItems() {
    items.clear();
    return this;
  }

  /** The same order as the domain sees it, without touching a database. */
  public Order toOrder() {
    return new Order(id, status, name, phone, address, delivery, paidAt == null ? null : paidAt.toInstant(), false,
        invoiceNumber, null, totalAmount, items);
  }

  public long insert(Jdbi jdbi) {
    org.onecexporter.db.Dialect dialect = org.onecexporter.db.Dialect.of(jdbi);
    jdbi.useTransaction(h -> {
      h.createUpdate("""
              INSERT INTO orders (id, status, customer_name, customer_phone, customer_address, delivery_cost,
                                  paid_at, total_amount, invoice_number)
              VALUES (:id, :status, :name, :phone, :address, :delivery, :paidAt, :total, :number)""")
          .bind("id", id).bind("status", status).bind("name", name).bind("phone", phone)
          .bind("address", address).bind("delivery", delivery)
          .bind("paidAt", dialect.timestamp(paidAt == null ? null : paidAt.toInstant()))
          .bind("total", totalAmount).bind("number", invoiceNumber)
          .execute();
      for (OrderItem item : items) {
        h.createUpdate("""
                INSERT INTO order_items (order_id, line_no, articul, name, quantity, price)
                VALUES (:id, :line, :articul, :name, :quantity, :price)""")
            .bind("id", id).bind("line", item.lineNo()).bind("articul", item.articul()).bind("name", item.name())
            .bind("quantity", item.quantity()).bind("price", item.price())
            .execute();
      }
    });
    return id;
  }
}
