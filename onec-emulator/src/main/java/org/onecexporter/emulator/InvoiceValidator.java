package org.onecexporter.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The contract as a strict 1C handler checks it, written independently of the exporter's builder so that the
 * two check each other: field names and types, numbers as JSON numbers, line and grand totals.
 */
final class InvoiceValidator {
  /** At most 50 characters: the 1C extension keys its idempotency register on it (String(50)). */
  private static final Pattern INVOICE_NUMBER = Pattern.compile("INV-\\d{4}-\\d{3,41}");
  private static final Pattern TEST_NUMBER = Pattern.compile("TEST-[A-Z0-9-]{1,45}");
  private static final Pattern E164 = Pattern.compile("\\+[1-9]\\d{6,14}");
  /** The contract's limits (onec-extension/contract/README.md), the same as the extension's. */
  static final int MAX_BODY_BYTES = 262_144;
  static final int MAX_ITEMS = 500;
  static final BigDecimal MAX_QUANTITY = new BigDecimal("1000000");
  static final BigDecimal MAX_PRICE = new BigDecimal("1000000000");
  static final BigDecimal MAX_AMOUNT = new BigDecimal("10000000000");

  private InvoiceValidator() {}

  /** Messages name the field and the problem, never a value that may be personal data (as the extension). */
  static List<String> validate(JsonNode root) {
    List<String> errors = new ArrayList<>();
    if (root == null || !root.isObject()) {
      errors.add("body must be a JSON object");
      return errors;
    }
    String number = text(root, "invoice_number");
    boolean regular = number != null && INVOICE_NUMBER.matcher(number).matches();
    if (number != null && TEST_NUMBER.matcher(number).matches()) {
      errors.add("invoice_number: TEST- numbers are accepted only when the setting «Разрешить тестовые счета» is on"
          + " (a copy of the base, never the working one)");
    } else if (!regular) {
      errors.add("invoice_number must look like INV-2026-001 (at most 50 characters)");
    }
    JsonNode orderId = root.get("order_id");
    if (orderId != null && !orderId.isNull() && !validOrderId(orderId)) {
      errors.add("order_id must be a string of at most 50 characters or a whole number");
    }
    String date = text(root, "date");
    try {
      LocalDate parsed = LocalDate.parse(date == null ? "" : date);
      if (parsed.isBefore(LocalDate.of(2000, 1, 1)) || parsed.isAfter(LocalDate.now().plusDays(1))) {
        errors.add("date must be between 2000-01-01 and tomorrow");
      } else if (regular && !number.startsWith("INV-" + parsed.getYear() + "-")) {
        errors.add("invoice_number year differs from the date's year");
      }
    } catch (DateTimeParseException e) {
      errors.add("date must be a valid date YYYY-MM-DD");
    }
    JsonNode customer = root.get("customer");
    if (customer == null || !customer.isObject()) {
      errors.add("customer must be an object");
    } else {
      String name = text(customer, "name");
      if (blank(name)) {
        errors.add("customer.name is required");
      } else if (name.length() > 200) {
        errors.add("customer.name must be at most 200 characters");
      }
      String phone = text(customer, "phone");
      if (phone == null || !E164.matcher(phone).matches()) {
        errors.add("customer.phone must be E.164 such as +79991234567");
      }
      JsonNode address = customer.get("address");
      if (address != null && !address.isNull() && !address.isTextual()) {
        errors.add("customer.address must be a string");
      } else if (address != null && address.isTextual() && address.asText().length() > 500) {
        errors.add("customer.address must be at most 500 characters");
      }
    }
    BigDecimal sum = BigDecimal.ZERO;
    JsonNode items = root.get("items");
    if (items == null || !items.isArray() || items.isEmpty()) {
      errors.add("items must be a non-empty array");
    } else if (items.size() > MAX_ITEMS) {
      errors.add("items must have at most " + MAX_ITEMS + " lines");
    } else {
      for (int i = 0; i < items.size(); i++) {
        sum = sum.add(item(items.get(i), "items[" + i + "]", errors));
      }
    }
    BigDecimal delivery = number(root, "delivery_cost", "invoice", errors);
    if (delivery != null && !amount(delivery)) {
      errors.add("delivery_cost must be from 0 to " + MAX_AMOUNT.toPlainString() + " with at most 2 decimals");
    }
    BigDecimal total = number(root, "total", "invoice", errors);
    if (errors.isEmpty() && !amount(total)) {
      errors.add("total must be from 0 to " + MAX_AMOUNT.toPlainString() + " with at most 2 decimals");
    } else if (errors.isEmpty() && sum.add(delivery).compareTo(total) != 0) {
      errors.add("total " + total.toPlainString() + " != items + delivery " + sum.add(delivery).toPlainString());
    }
    return errors;
  }

  /** Checks one line; returns its total when it can be added up, else zero. */
  private static BigDecimal item(JsonNode item, String where, List<String> errors) {
    if (item == null || !item.isObject()) {
      errors.add(where + " must be an object");
      return BigDecimal.ZERO;
    }
    String articul = text(item, "articul");
    if (blank(articul)) {
      errors.add(where + ".articul is required");
    } else if (articul.length() > 50) {
      errors.add(where + ".articul must be at most 50 characters");
    }
    String name = text(item, "name");
    if (blank(name)) {
      errors.add(where + ".name is required");
    } else if (name.length() > 500) {
      errors.add(where + ".name must be at most 500 characters");
    }
    BigDecimal quantity = number(item, "quantity", where, errors);
    BigDecimal price = number(item, "price", where, errors);
    BigDecimal total = number(item, "total", where, errors);
    boolean quantityOk = quantity != null && quantity.signum() > 0 && quantity.compareTo(MAX_QUANTITY) <= 0
        && quantity.stripTrailingZeros().scale() <= 3;
    if (quantity != null && !quantityOk) {
      errors.add(where + ".quantity must be above 0 and at most " + MAX_QUANTITY.toPlainString()
          + " with at most 3 decimals");
    }
    // Above 0: УНФ's filling check requires Цена on every line of Запасы, so a free line could not be posted.
    boolean priceOk = price != null && price.signum() > 0 && price.compareTo(MAX_PRICE) <= 0
        && price.stripTrailingZeros().scale() <= 2;
    if (price != null && !priceOk) {
      errors.add(where + ".price must be above 0 and at most " + MAX_PRICE.toPlainString()
          + " with at most 2 decimals (УНФ requires a price on every line)");
    }
    if (!quantityOk || !priceOk || total == null) {
      return BigDecimal.ZERO;
    }
    BigDecimal expected = quantity.multiply(price).setScale(2, RoundingMode.HALF_UP);
    if (expected.compareTo(total) != 0) {
      errors.add(where + ".total " + total.toPlainString() + " != quantity x price " + expected.toPlainString());
      return BigDecimal.ZERO;
    }
    if (!amount(total)) {
      errors.add(where + ".total must be at most " + MAX_AMOUNT.toPlainString());
      return BigDecimal.ZERO;
    }
    return total;
  }

  private static boolean validOrderId(JsonNode orderId) {
    if (orderId.isIntegralNumber()) {
      return orderId.bigIntegerValue().signum() >= 0 && orderId.bigIntegerValue().toString().length() <= 18;
    }
    return orderId.isTextual() && !orderId.asText().isBlank() && orderId.asText().length() <= 50;
  }

  private static boolean amount(BigDecimal value) {
    return value.signum() >= 0 && value.compareTo(MAX_AMOUNT) <= 0 && value.stripTrailingZeros().scale() <= 2;
  }

  private static BigDecimal number(JsonNode node, String field, String where, List<String> errors) {
    JsonNode value = node == null ? null : node.get(field);
    if (value == null || !value.isNumber()) {
      errors.add(where + "." + field + " must be a JSON number, got " + jsonType(value));
      return null;
    }
    return value.decimalValue();
  }

  private static String jsonType(JsonNode value) {
    if (value == null || value.isNull()) {
      return "null";
    }
    if (value.isTextual()) {
      return "a string";
    }
    if (value.isBoolean()) {
      return "a boolean";
    }
    return value.isArray() ? "an array" : "an object";
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value != null && value.isTextual() ? value.asText() : null;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
