package org.onecexporter.domain;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * A shop order as read from PostgreSQL (see the reference schema). Nullable fields are nullable in the schema.
 *
 * @param totalAmount what the customer paid, when the shop records it; the invoice total must equal it
 */
public record Order(
    long id,
    String status,
    String customerName,
    String customerPhone,
    String customerAddress,
    BigDecimal deliveryCost,
    Instant paidAt,
    boolean invoiceExported,
    String invoiceNumber,
    Instant invoiceExportedAt,
    BigDecimal totalAmount,
    List<OrderItem> items) {

  public static final String STATUS_PAID = "paid";

  public Order {
    items = List.copyOf(items);
  }

  public boolean isPaid() {
    return STATUS_PAID.equals(status);
  }

  public Order withItems(List<OrderItem> newItems) {
    return new Order(id, status, customerName, customerPhone, customerAddress, deliveryCost, paidAt,
        invoiceExported, invoiceNumber, invoiceExportedAt, totalAmount, newItems);
  }
}
