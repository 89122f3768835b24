package org.onecexporter.db;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.onecexporter.config.ConfigException;

/** Small helpers the platform presets share. */
final class ShopRows {
  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_]{0,32}");
  private static final Pattern STATUS = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private ShopRows() {}

  /** The lowest order id the reconciler's pass looks at: {@code window} below the newest ({@code maxIdQuery}), or 0. */
  static long windowFloor(org.jdbi.v3.core.Handle handle, String maxIdQuery, long window) {
    if (window <= 0) {
      return 0;
    }
    long newest = handle.createQuery(maxIdQuery).mapTo(Long.class).one();
    return Math.max(0, newest - window);
  }

  /** The lines numbered from 1 in the order given (the shop's own line ids are not contiguous). */
  static List<org.onecexporter.domain.OrderItem> numbered(List<org.onecexporter.domain.OrderItem> items) {
    List<org.onecexporter.domain.OrderItem> numbered = new java.util.ArrayList<>(items.size());
    for (org.onecexporter.domain.OrderItem i : items) {
      numbered.add(new org.onecexporter.domain.OrderItem(numbered.size() + 1, i.articul(), i.name(), i.quantity(),
          i.price()));
    }
    return numbered;
  }

  /** Non-blank parts joined with ", " (an address from its fields), or null when all are blank. */
  static String join(String... parts) {
    String joined = Arrays.stream(parts).filter(Objects::nonNull).map(String::strip).filter(p -> !p.isEmpty())
        .collect(Collectors.joining(", "));
    return joined.isEmpty() ? null : joined;
  }

  static String person(String first, String last) {
    String joined = Arrays.stream(new String[] {first, last}).filter(Objects::nonNull).map(String::strip)
        .filter(p -> !p.isEmpty()).collect(Collectors.joining(" "));
    return joined.isEmpty() ? null : joined;
  }

  static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  static String firstNonBlank(String a, String b) {
    return blank(a) ? b : a;
  }

  /** What the customer paid per unit: a line's amount with its tax, over its quantity, to the kopeck. */
  static BigDecimal unitPrice(BigDecimal amount, BigDecimal tax, BigDecimal quantity) {
    if (amount == null || quantity == null || quantity.signum() <= 0) {
      return amount;
    }
    BigDecimal paid = tax == null ? amount : amount.add(tax);
    return paid.divide(quantity, 2, RoundingMode.HALF_UP);
  }

  static BigDecimal money(BigDecimal value) {
    return value == null ? null : value.setScale(2, RoundingMode.HALF_UP);
  }

  static BigDecimal sum(BigDecimal a, BigDecimal b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : a.add(b);
  }

  static String prefix(String variable, String value) {
    if (!PREFIX.matcher(value).matches()) {
      throw new ConfigException(variable, "must be letters, digits and underscores (at most 32), got '" + value + "'");
    }
    return value;
  }

  /** A comma-separated list of statuses as SQL string literals (each checked against a strict pattern). */
  /**
   * The cancel candidates of a preset whose invoice numbers are in our ledger: driven by the ledger (an invoice
   * number was fixed there), joined to the platform's order by {@code join}, filtered by {@code cancelledWhere}
   * (a condition on {@code o}).
   */
  static String ledgerCancelCandidates(Dialect dialect, String orders, String idColumn, String cancelledWhere) {
    return """
        SELECT %4$sl.order_id FROM onec_exporter_ledger l
          JOIN %1$s o ON o.%2$s = l.order_id
         WHERE l.invoice_number IS NOT NULL
           AND l.invoice_cancelled_at IS NULL AND l.invoice_cancel_answer IS NULL
           AND %3$s
           AND l.order_id > :after AND l.order_id <= :upTo
         ORDER BY l.order_id
         LIMIT :limit""".formatted(orders, idColumn, cancelledWhere,
        dialect == Dialect.POSTGRESQL ? "" : "STRAIGHT_JOIN ");
  }

  /** The condition a preset's paid-candidates query puts on {@code l}: not exported and no cancel asked. */
  static final String LEDGER_NOT_EXPORTED =
      "(l.order_id IS NULL OR (NOT l.invoice_exported_to_1c AND l.invoice_cancel_requested_at IS NULL))";

  static String statusLiterals(String variable, List<String> statuses) {
    if (statuses.isEmpty()) {
      throw new ConfigException(variable, "names no status");
    }
    for (String s : statuses) {
      if (!STATUS.matcher(s).matches()) {
        throw new ConfigException(variable, "has a status that is not letters, digits, '-' or '_': '" + s + "'");
      }
    }
    return statuses.stream().map(s -> "'" + s + "'").collect(Collectors.joining(", "));
  }

  static String intLiterals(String variable, Set<Integer> ids) {
    if (ids.isEmpty()) {
      throw new ConfigException(variable, "names no status");
    }
    return ids.stream().map(String::valueOf).collect(Collectors.joining(", "));
  }
}
