package org.onecexporter.domain;

import java.math.BigDecimal;

/**
 * The invoices contract's upper bounds (onec-extension/contract/README.md), held by the 1C extension and the
 * emulator alike. The builder checks them too, so an order beyond them is rejected as invalid before it takes an
 * invoice number, instead of reaching 1C and coming back as a refusal.
 */
public final class ContractLimits {
  public static final int MAX_ITEMS = 500;
  public static final BigDecimal MAX_QUANTITY = new BigDecimal("1000000");
  public static final BigDecimal MAX_PRICE = new BigDecimal("1000000000");
  public static final BigDecimal MAX_AMOUNT = new BigDecimal("10000000000");
  public static final int MAX_CUSTOMER_NAME = 200;
  public static final int MAX_ADDRESS = 500;
  public static final int MAX_ARTICUL = 50;
  public static final int MAX_ITEM_NAME = 500;

  private ContractLimits() {}
}
