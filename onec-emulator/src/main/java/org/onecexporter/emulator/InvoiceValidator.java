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
  private static final Pattern E164 = Pattern.compile("\\+[1-9]\\d{6,14}");

  private InvoiceValidator() {}

  static List<String> validate(JsonNode root) {
    List<String> errors = new ArrayList<>();
    if (root == null || !root.isObject()) {
      errors.add("body must be a JSON object");
      return errors;
    }
    String number = text(root, "invoice_number");
    if (number == null || !INVOICE_NUMBER.matcher(number).matches()) {
      errors.add("invoice_number must look like INV-2026-001, got " + root.get("invoice_number"));
    }
    String date = text(root, "date");
    try {
      LocalDate parsed = LocalDate.parse(date == null ? "" : date);
      if (number != null && INVOICE_NUMBER.matcher(number).matches()
          && !number.startsWith("INV-" + parsed.getYear() + "-")) {
        errors.add("invoice_number year differs from the date's year");
      }
    } catch (DateTimeParseException e) {
      errors.add("date must be YYYY-MM-DD, got " + root.get("date"));
    }
    JsonNode customer = root.get("customer");
    if (customer == null || !customer.isObject()) {
      errors.add("customer must be an object");
    } else {
      if (blank(text(customer, "name"))) {
        errors.add("customer.name is required");
      }
      String phone = text(customer, "phone");
      if (phone == null || !E164.matcher(phone).matches()) {
        errors.add("customer.phone must be E.164 such as +79991234567, got " + customer.get("phone"));
      }
      JsonNode address = customer.get("address");
      if (address != null && !address.isNull() && !address.isTextual()) {
        errors.add("customer.address must be a string");
      }
    }
    BigDecimal sum = BigDecimal.ZERO;
    JsonNode items = root.get("items");
    if (items == null || !items.isArray() || items.isEmpty()) {
      errors.add("items must be a non-empty array");
    } else {
      for (int i = 0; i < items.size(); i++) {
        JsonNode item = items.get(i);
        String where = "items[" + i + "]";
        if (blank(text(item, "articul"))) {
          errors.add(where + ".articul is required");
        }
        if (blank(text(item, "name"))) {
          errors.add(where + ".name is required");
        }
        BigDecimal quantity = number(item, "quantity", where, errors);
        BigDecimal price = number(item, "price", where, errors);
        BigDecimal total = number(item, "total", where, errors);
        if (quantity != null && (quantity.signum() <= 0 || quantity.stripTrailingZeros().scale() > 3)) {
          errors.add(where + ".quantity must be positive with at most 3 decimals");
        }
        if (price != null && (price.signum() < 0 || price.stripTrailingZeros().scale() > 2)) {
          errors.add(where + ".price must be >= 0 with at most 2 decimals");
        }
        if (quantity != null && price != null && total != null) {
          BigDecimal expected = quantity.multiply(price).setScale(2, RoundingMode.HALF_UP);
          if (expected.compareTo(total) != 0) {
            errors.add(where + ".total " + total.toPlainString() + " != quantity x price " + expected.toPlainString());
          }
          sum = sum.add(total);
        }
      }
    }
    BigDecimal delivery = number(root, "delivery_cost", "invoice", errors);
    BigDecimal total = number(root, "total", "invoice", errors);
    if (delivery != null && delivery.signum() < 0) {
      errors.add("delivery_cost must be >= 0");
    }
    if (errors.isEmpty() && delivery != null && total != null && sum.add(delivery).compareTo(total) != 0) {
      errors.add("total " + total.toPlainString() + " != items + delivery " + sum.add(delivery).toPlainString());
    }
    return errors;
  }

  private static BigDecimal number(JsonNode node, String field, String where, List<String> errors) {
    JsonNode value = node == null ? null : node.get(field);
    if (value == null || !value.isNumber()) {
      errors.add(where + "." + field + " must be a JSON number, got " + value);
      return null;
    }
    return value.decimalValue();
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value != null && value.isTextual() ? value.asText() : null;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
