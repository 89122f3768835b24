package org.onecexporter.domain;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/** A validated invoice still without its number; the number's year is the invoice date's year. */
public record InvoiceDraft(
    long orderId,
    LocalDate date,
    InvoicePayload.Customer customer,
    List<InvoicePayload.Item> items,
    BigDecimal deliveryCost,
    BigDecimal total) {

  public InvoiceDraft {
    items = List.copyOf(items);
  }

  public int year() {
    return date.getYear();
  }

  public InvoicePayload withNumber(String invoiceNumber) {
    return new InvoicePayload(invoiceNumber, Long.toString(orderId), date.toString(), customer, items, deliveryCost, total);
  }
}
