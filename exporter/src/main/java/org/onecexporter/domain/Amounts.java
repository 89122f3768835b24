package org.onecexporter.domain;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Money and quantity arithmetic for the invoice. Amounts are roubles with kopecks; never doubles. */
public final class Amounts {
  /** NUMERIC(14,2): 12 digits before the point. */
  public static final int MONEY_INTEGER_DIGITS = 12;
  /** NUMERIC(15,3): 12 digits before the point. */
  public static final int QUANTITY_INTEGER_DIGITS = 12;

  private Amounts() {}

  /** quantity × price, rounded half-up to kopecks. */
  public static BigDecimal lineTotal(BigDecimal quantity, BigDecimal price) {
    return quantity.multiply(price).setScale(2, RoundingMode.HALF_UP);
  }

  /**
   * The form sent on the wire: no trailing zeros, so whole values print without a fraction ({@code 500}, not
   * {@code 500.00}) and others with only the decimals they need ({@code 15.15}, {@code 1.5}).
   */
  public static BigDecimal wire(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
  }

  public static int integerDigits(BigDecimal value) {
    BigDecimal abs = value.abs();
    return Math.max(abs.precision() - abs.scale(), 0);
  }

  /** Decimals actually used, ignoring trailing zeros (2.500 uses 1). */
  public static int usedScale(BigDecimal value) {
    return Math.max(value.stripTrailingZeros().scale(), 0);
  }
}
