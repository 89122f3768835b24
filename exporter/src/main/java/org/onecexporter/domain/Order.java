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
  /**
   * The money went back after payment (the reference schema's status; a platform preset maps its own refund
   * statuses to it). A partial refund is not this: the order stays {@code paid} and its invoice stands.
   */
  public static final String STATUS_REFUNDED = "refunded";
  /** The shop cancelled the order after payment (mapped likewise). */
  public static final String STATUS_CANCELLED = "cancelled";

  public Order {
    items = List.copyOf(items);
  }

  public boolean isPaid() {
    return STATUS_PAID.equals(status);
  }

  /** Refunded or cancelled after payment: its invoice, if 1C has one, is to be cancelled, and none is to be made. */
  public boolean isCancelled() {
    return isCancelled(status);
  }

  public static boolean isCancelled(String status) {
    return STATUS_REFUNDED.equals(status) || STATUS_CANCELLED.equals(status);
  }

  public Order withItems(List<OrderItem> newItems) {
    return new Order(id, status, customerName, customerPhone, customerAddress, deliveryCost, paidAt,
        invoiceExported, invoiceNumber, invoiceExportedAt, totalAmount, newItems);
  }
}
