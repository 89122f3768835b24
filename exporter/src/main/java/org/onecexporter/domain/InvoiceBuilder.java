package org.onecexporter.domain;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Turns a paid order into an invoice draft, or lists every reason it cannot. Pure: no I/O, no clock. */
public final class InvoiceBuilder {
  private final ZoneId shopZone;

  public InvoiceBuilder(ZoneId shopZone) {
    this.shopZone = shopZone;
  }

  /**
   * @throws InvalidOrderException with every problem found
   */
  public InvoiceDraft prepare(Order order) {
    List<String> problems = new ArrayList<>();
    InvoiceNumbers.problem(order.invoiceNumber()).ifPresent(problems::add);

    String name = trimToNull(order.customerName());
    if (name == null) {
      problems.add("customer name is empty");
    } else if (name.length() > ContractLimits.MAX_CUSTOMER_NAME) {
      problems.add("customer name is longer than " + ContractLimits.MAX_CUSTOMER_NAME + " characters");
    }
    String address = trimToNull(order.customerAddress());
    if (address != null && address.length() > ContractLimits.MAX_ADDRESS) {
      problems.add("customer address is longer than " + ContractLimits.MAX_ADDRESS + " characters");
    }
    Optional<String> phone = PhoneNumbers.toE164(order.customerPhone());
    if (trimToNull(order.customerPhone()) == null) {
      problems.add("customer phone is empty");
    } else if (phone.isEmpty()) {
      // Names the field and the problem, never the value: this text reaches logs, the DLQ and export's output.
      problems.add("customer phone is not a usable phone number ("
          + order.customerPhone().replaceAll("\\D", "").length() + " digits)");
    }
    LocalDate date = null;
    if (order.paidAt() == null) {
      problems.add("paid_at is empty: the invoice date is the payment date");
    } else {
      date = order.paidAt().atZone(shopZone).toLocalDate();
    }

    BigDecimal delivery = order.deliveryCost() == null ? BigDecimal.ZERO : order.deliveryCost();
    if (delivery.signum() < 0) {
      problems.add("delivery_cost " + plain(delivery) + " is negative");
    }
    checkMoney(problems, "delivery_cost", delivery);

    List<InvoicePayload.Item> items = new ArrayList<>();
    BigDecimal sum = BigDecimal.ZERO;
    if (order.items().isEmpty()) {
      problems.add("the order has no items");
    } else if (order.items().size() > ContractLimits.MAX_ITEMS) {
      problems.add("the order has " + order.items().size() + " lines, at most " + ContractLimits.MAX_ITEMS
          + " fit one invoice");
    }
    List<OrderItem> lines = order.items().stream().sorted(Comparator.comparingInt(OrderItem::lineNo)).toList();
    for (OrderItem line : lines) {
      String where = "line " + line.lineNo();
      boolean lineOk = true;
      if (trimToNull(line.articul()) == null) {
        problems.add(where + ": articul is empty");
      } else if (line.articul().trim().length() > ContractLimits.MAX_ARTICUL) {
        problems.add(where + ": articul is longer than " + ContractLimits.MAX_ARTICUL + " characters");
      }
      if (trimToNull(line.name()) == null) {
        problems.add(where + ": name is empty");
      } else if (line.name().trim().length() > ContractLimits.MAX_ITEM_NAME) {
        problems.add(where + ": name is longer than " + ContractLimits.MAX_ITEM_NAME + " characters");
      }
      if (line.quantity() == null || line.quantity().signum() <= 0) {
        problems.add(where + ": quantity " + plain(line.quantity()) + " is not positive");
        lineOk = false;
      } else if (Amounts.usedScale(line.quantity()) > 3
          || Amounts.integerDigits(line.quantity()) > Amounts.QUANTITY_INTEGER_DIGITS) {
        problems.add(where + ": quantity " + plain(line.quantity()) + " exceeds NUMERIC(15,3)");
        lineOk = false;
      } else if (line.quantity().compareTo(ContractLimits.MAX_QUANTITY) > 0) {
        problems.add(where + ": quantity " + plain(line.quantity()) + " is above " + plain(ContractLimits.MAX_QUANTITY));
        lineOk = false;
      }
      if (line.price() == null || line.price().signum() <= 0) {
        // УНФ's filling check requires Цена on every invoice line: a free line would make an invoice nobody can post.
        problems.add(where + ": price " + plain(line.price()) + " is not above 0 (1C requires a price on every line)");
        lineOk = false;
      } else if (!fitsMoney(line.price())) {
        problems.add(where + ": price " + plain(line.price()) + " exceeds NUMERIC(14,2)");
        lineOk = false;
      } else if (line.price().compareTo(ContractLimits.MAX_PRICE) > 0) {
        problems.add(where + ": price " + plain(line.price()) + " is above " + plain(ContractLimits.MAX_PRICE));
        lineOk = false;
      }
      if (!lineOk) {
        continue;
      }
      BigDecimal lineTotal = Amounts.lineTotal(line.quantity(), line.price());
      checkMoney(problems, where + ": total", lineTotal);
      sum = sum.add(lineTotal);
      items.add(new InvoicePayload.Item(
          line.articul() == null ? null : line.articul().trim(),
          line.name() == null ? null : line.name().trim(),
          Amounts.wire(line.quantity()),
          Amounts.wire(line.price()),
          Amounts.wire(lineTotal)));
    }

    BigDecimal total = sum.add(delivery);
    checkMoney(problems, "total", total);
    if (fitsMoney(total) && total.compareTo(ContractLimits.MAX_AMOUNT) > 0) {
      problems.add("total " + plain(total) + " is above " + plain(ContractLimits.MAX_AMOUNT));
    }
    if (order.totalAmount() != null && total.compareTo(order.totalAmount()) != 0) {
      problems.add("totals do not add up: items " + plain(sum) + " + delivery " + plain(delivery) + " = " + plain(total)
          + ", but the order total is " + plain(order.totalAmount()));
    }

    if (!problems.isEmpty()) {
      throw new InvalidOrderException(order.id(), problems);
    }
    InvoicePayload.Customer customer =
        new InvoicePayload.Customer(name, phone.orElseThrow(), trimToNull(order.customerAddress()));
    return new InvoiceDraft(order.id(), date, customer, items, Amounts.wire(delivery), Amounts.wire(total));
  }

  private static void checkMoney(List<String> problems, String what, BigDecimal value) {
    if (!fitsMoney(value)) {
      problems.add(what + " " + plain(value) + " exceeds NUMERIC(14,2)");
    }
  }

  private static boolean fitsMoney(BigDecimal value) {
    return Amounts.usedScale(value) <= 2 && Amounts.integerDigits(value) <= Amounts.MONEY_INTEGER_DIGITS;
  }

  private static String plain(BigDecimal value) {
    return value == null ? "(empty)" : Amounts.wire(value).toPlainString();
  }

  private static String trimToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
