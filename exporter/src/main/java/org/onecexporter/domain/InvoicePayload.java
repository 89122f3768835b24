package org.onecexporter.domain;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.math.BigDecimal;
import java.util.List;

/**
 * The JSON body posted to 1C; field names are the contract's and must not change. {@code order_id} (the shop's order
 * id, as text) lets an accountant find the invoice in 1C by the order number.
 */
@JsonPropertyOrder({"invoice_number", "order_id", "date", "customer", "items", "delivery_cost", "total"})
public record InvoicePayload(
    @JsonProperty("invoice_number") String invoiceNumber,
    @JsonProperty("order_id") String orderId,
    @JsonProperty("date") String date,
    @JsonProperty("customer") Customer customer,
    @JsonProperty("items") List<Item> items,
    @JsonProperty("delivery_cost") BigDecimal deliveryCost,
    @JsonProperty("total") BigDecimal total) {

  public InvoicePayload {
    items = List.copyOf(items);
  }

  @JsonPropertyOrder({"name", "phone", "address"})
  public record Customer(
      @JsonProperty("name") String name,
      @JsonProperty("phone") String phone,
      @JsonProperty("address") String address) {}

  @JsonPropertyOrder({"articul", "name", "quantity", "price", "total"})
  public record Item(
      @JsonProperty("articul") String articul,
      @JsonProperty("name") String name,
      @JsonProperty("quantity") BigDecimal quantity,
      @JsonProperty("price") BigDecimal price,
      @JsonProperty("total") BigDecimal total) {}
}
