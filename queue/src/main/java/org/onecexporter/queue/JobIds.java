package org.onecexporter.queue;

import java.util.Optional;

/**
 * The two kinds of job on the queue and their ids. An export job's id is the order id itself (as it always was); the
 * job that cancels an order's invoice in 1C is {@code cancel:<order id>}. The two can never collide: an order id is
 * digits only ({@link OrderIds}). Each kind has one job per order at a time, like the exports; both share the
 * queue's leases, retries, fleet-wide 1C health and DLQ.
 */
public final class JobIds {
  /** What a cancel job's id starts with. */
  public static final String CANCEL_PREFIX = "cancel:";

  /** What a job does. */
  public enum Kind {
    /** Create the order's invoice in 1C. */
    EXPORT,
    /** Cancel (mark for deletion) the order's invoice in 1C, or make sure none is ever created. */
    CANCEL
  }

  /** A job's kind and order. */
  public record JobId(Kind kind, long orderId) {
    /** The id as the queue keeps it. */
    public String wire() {
      return kind == Kind.CANCEL ? cancel(orderId) : Long.toString(orderId);
    }
  }

  private JobIds() {}

  public static String cancel(long orderId) {
    return CANCEL_PREFIX + orderId;
  }

  /** {@link #cancel(long)} of an order id given as text; throws when it is not one. */
  public static String cancel(String orderId) {
    if (!OrderIds.valid(orderId)) {
      throw new IllegalArgumentException(OrderIds.INVALID);
    }
    return CANCEL_PREFIX + orderId;
  }

  /** The job's kind and order, or empty when {@code id} is neither an order id nor a cancel job's id. */
  public static Optional<JobId> parse(String id) {
    if (id == null) {
      return Optional.empty();
    }
    boolean cancel = id.startsWith(CANCEL_PREFIX);
    String order = cancel ? id.substring(CANCEL_PREFIX.length()) : id;
    return OrderIds.parse(order).stream().mapToObj(n -> new JobId(cancel ? Kind.CANCEL : Kind.EXPORT, n))
        .findFirst();
  }

  /** Whether {@code id} is a job's id of either kind. */
  public static boolean valid(String id) {
    return parse(id).isPresent();
  }
}
