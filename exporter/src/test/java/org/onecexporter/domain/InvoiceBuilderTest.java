package org.onecexporter.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.onecexporter.testing.TestOrder.aPaidOrder;
import static org.onecexporter.testing.TestOrder.anOrderWithoutItems;

import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.onecexporter.json.Json;
import org.onecexporter.testing.TestOrder;

class InvoiceBuilderTest {
  private final InvoiceBuilder builder = new InvoiceBuilder(ZoneId.of("Europe/Moscow"));

  @Test
  void builds_the_seed_example_exactly() {
    InvoiceDraft draft = builder.prepare(aPaidOrder(1).toOrder());

    assertThat(Json.write(draft.withNumber("INV-2026-001"))).isEqualTo(
        "{\"invoice_number\":\"INV-2026-001\",\"order_id\":\"1\",\"date\":\"2026-02-13\","
            + "\"customer\":{\"name\":\"Иван Иванов\",\"phone\":\"+79991234567\",\"address\":\"Москва, ул. Ленина, 1\"},"
            + "\"items\":[{\"articul\":\"ФР-00000044\",\"name\":\"Варочная панель\",\"quantity\":2,\"price\":122334,"
            + "\"total\":244668}],\"delivery_cost\":500,\"total\":245168}");
  }

  @Test
  void fractional_quantity_times_price_is_rounded_to_kopecks_and_printed_without_trailing_zeros() {
    Order order = anOrderWithoutItems(2).delivery("0.00")
        .item("A-1", "Кабель", "1.5", "10.10")
        .item("A-2", "Провод", "0.333", "10.00")
        .toOrder();

    String json = Json.write(builder.prepare(order).withNumber("INV-2026-002"));

    assertThat(json).contains("\"quantity\":1.5,\"price\":10.1,\"total\":15.15");
    // 0.333 x 10 = 3.33
    assertThat(json).contains("\"quantity\":0.333,\"price\":10,\"total\":3.33");
    assertThat(json).contains("\"delivery_cost\":0,\"total\":18.48");
    assertThat(json).doesNotContain("\"1.50\"").doesNotContain("E+");
  }

  @Test
  void half_kopeck_is_rounded_up() {
    Order order = anOrderWithoutItems(3).delivery("0").item("A", "B", "0.5", "0.01").toOrder();
    assertThat(builder.prepare(order).items().get(0).total()).isEqualByComparingTo("0.01");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "8 (999) 123-45-67 | +79991234567",
      "+7 999 123 45 67  | +79991234567",
      "89991234567       | +79991234567",
      "9991234567        | +79991234567",
      "7-999-123-45-67   | +79991234567",
      "+375 29 123-45-67 | +375291234567"})
  void phones_are_normalised_to_e164(String raw, String expected) {
    Order order = aPaidOrder(4).customer("Иван", raw, null).toOrder();
    assertThat(builder.prepare(order).customer().phone()).isEqualTo(expected);
  }

  @Test
  void the_invoice_date_is_the_payment_day_in_the_shop_time_zone() {
    // 21:30 UTC on 31 December is already 1 January in Moscow: the number's year follows.
    Order order = aPaidOrder(5).paidAt("2026-12-31T21:30:00Z").toOrder();
    InvoiceDraft draft = builder.prepare(order);
    assertThat(draft.date()).hasToString("2027-01-01");
    assertThat(draft.year()).isEqualTo(2027);
  }

  @Test
  void every_problem_is_listed_at_once() {
    Order order = anOrderWithoutItems(6)
        .customer(" ", "not a phone", null)
        .delivery("-1")
        .item(null, "", "0", "-5")
        .item("OK-1", "Fine", "1.0001", "1.001")
        .toOrder();

    assertThatThrownBy(() -> builder.prepare(order))
        .isInstanceOf(InvalidOrderException.class)
        .satisfies(e -> assertThat(((InvalidOrderException) e).problems()).containsExactlyInAnyOrder(
            "customer name is empty",
            "customer phone is not a usable phone number (0 digits)",
            "delivery_cost -1 is negative",
            "line 1: articul is empty",
            "line 1: name is empty",
            "line 1: quantity 0 is not positive",
            "line 1: price -5 is not above 0 (1C requires a price on every line)",
            "line 2: quantity 1.0001 exceeds NUMERIC(15,3)",
            "line 2: price 1.001 exceeds NUMERIC(14,2)"));
  }

  @Test
  void a_free_line_is_rejected_before_numbering_because_unf_requires_a_price_on_every_line() {
    Order order = anOrderWithoutItems(8).item("GIFT-1", "Gift", "1", "0").toOrder();
    assertThatThrownBy(() -> builder.prepare(order))
        .isInstanceOf(InvalidOrderException.class)
        .satisfies(e -> assertThat(((InvalidOrderException) e).problems())
            .containsExactly("line 1: price 0 is not above 0 (1C requires a price on every line)"));
  }

  @Test
  void an_order_without_items_or_payment_date_is_rejected() {
    Order order = anOrderWithoutItems(7).paidAt(null).toOrder();
    assertThatThrownBy(() -> builder.prepare(order))
        .isInstanceOf(InvalidOrderException.class)
        .hasMessageContaining("the order has no items")
        .hasMessageContaining("paid_at is empty");
  }

  @Test
  void totals_that_do_not_add_up_to_what_was_paid_are_rejected() {
    Order order = aPaidOrder(8).totalAmount("245000").toOrder();
    assertThatThrownBy(() -> builder.prepare(order))
        .isInstanceOf(InvalidOrderException.class)
        .hasMessageContaining("totals do not add up: items 244668 + delivery 500 = 245168, but the order total"
            + " is 245000");
  }

  @Test
  void totals_that_match_what_was_paid_pass() {
    assertThat(builder.prepare(aPaidOrder(9).totalAmount("245168.00").toOrder()).total())
        .isEqualByComparingTo("245168");
  }

  @Test
  void a_total_beyond_the_schema_precision_is_rejected() {
    Order order = anOrderWithoutItems(10).item("BIG", "Huge", "999999", "999999999.99").toOrder();
    assertThatThrownBy(() -> builder.prepare(order))
        .isInstanceOf(InvalidOrderException.class)
        .hasMessageContaining("exceeds NUMERIC(14,2)");
  }

  @Test
  void an_order_beyond_the_contract_limits_is_invalid_here_not_refused_by_1c() {
    TestOrder order = anOrderWithoutItems(11).customer("Я".repeat(201), "+79991234567", "д".repeat(501))
        .item("A".repeat(51), "Лампа", "1000001", "1")
        .item("B", "Лампа", "1", "1000000000.01");
    assertThatThrownBy(() -> builder.prepare(order.toOrder()))
        .isInstanceOf(InvalidOrderException.class)
        .hasMessageContaining("customer name is longer than 200 characters")
        .hasMessageContaining("customer address is longer than 500 characters")
        .hasMessageContaining("line 1: articul is longer than 50 characters")
        .hasMessageContaining("line 1: quantity 1000001 is above 1000000")
        .hasMessageContaining("line 2: price 1000000000.01 is above 1000000000");

    TestOrder many = anOrderWithoutItems(12);
    for (int i = 0; i < ContractLimits.MAX_ITEMS + 1; i++) {
      many.item("A-" + i, "Лампа", "1", "1");
    }
    assertThatThrownBy(() -> builder.prepare(many.toOrder())).hasMessageContaining("501 lines, at most 500");

    Order costly = anOrderWithoutItems(13).item("A", "Станок", "20", "999999999").toOrder();
    assertThatThrownBy(() -> builder.prepare(costly)).hasMessageContaining("total 20000000480 is above 10000000000");
  }

  @Test
  void invoice_numbers_are_padded_to_three_digits_and_grow_beyond() {
    assertThat(InvoiceNumbers.format(2026, 1)).isEqualTo("INV-2026-001");
    assertThat(InvoiceNumbers.format(2026, 42)).isEqualTo("INV-2026-042");
    assertThat(InvoiceNumbers.format(2026, 12345)).isEqualTo("INV-2026-12345");
  }

  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"СЧЁТ-№1", "INV-2026-00١", "INV-2026-001\u202e",
      "INV-2026-1", "INV-26-001", "inv-2026-001", "TEST-абв", "TEST-", " INV-2026-001",
      "INV-2026-000000000000000000000000000000000000000001"})
  void a_shop_set_invoice_number_outside_the_contract_is_refused_before_any_call(String number) {
    assertThatThrownBy(() -> builder.prepare(aPaidOrder(7).invoiceNumber(number).toOrder()))
        .isInstanceOfSatisfying(InvalidOrderException.class, e -> assertThat(e.problems()).singleElement()
            .asString().startsWith("invoice_number ").contains("INV-2026-001", "TEST-", "50 characters")
            .doesNotContain("\u202e"));
  }

  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"INV-2026-001", "INV-2026-1234567", "TEST-0001",
      "TEST-SHOP-A1", "INV-2026-00000000000000000000000000000000000000001"})
  void a_shop_set_invoice_number_inside_the_contract_is_kept(String number) {
    assertThat(builder.prepare(aPaidOrder(7).invoiceNumber(number).toOrder())).isNotNull();
  }
}
