package org.onecexporter.queue;

import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * What an order id looks like wherever one arrives from outside (an HTTP path, a command line, a job in Redis): a
 * positive decimal {@code orders.id} without sign, leading zero or spaces, at most 18 digits so it always fits a
 * {@code long}. Anything else — {@code *} included — is not an order id.
 */
public final class OrderIds {
  private static final Pattern ORDER_ID = Pattern.compile("[1-9][0-9]{0,17}");

  /** The refusal every surface answers for a malformed id. */
  public static final String INVALID = "order id must be a positive integer";

  private OrderIds() {}

  public static boolean valid(String text) {
    return text != null && ORDER_ID.matcher(text).matches();
  }

  /** The id as a number, or empty when {@code text} is not an order id. */
  public static OptionalLong parse(String text) {
    return valid(text) ? OptionalLong.of(Long.parseLong(text)) : OptionalLong.empty();
  }
}
