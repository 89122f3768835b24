package org.onecexporter.domain;

import java.util.List;

/** The order cannot become an invoice; every problem found is listed, not only the first. */
public final class InvalidOrderException extends RuntimeException {
  private final long orderId;
  private final List<String> problems;

  public InvalidOrderException(long orderId, List<String> problems) {
    super("Order " + orderId + " is invalid: " + String.join("; ", problems));
    this.orderId = orderId;
    this.problems = List.copyOf(problems);
  }

  public long orderId() {
    return orderId;
  }

  public List<String> problems() {
    return problems;
  }
}
