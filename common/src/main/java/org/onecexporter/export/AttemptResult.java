package org.onecexporter.export;

import java.time.Duration;

/** One attempt's end: either final, or worth retrying later. */
public sealed interface AttemptResult {
  /**
   * Final: exported, already exported, or rejected. {@code calledOneC} says whether 1C was called, and
   * {@code callDuration} how long that call took (null when it was not).
   */
  record Done(ExportResult result, boolean calledOneC, Duration callDuration) implements AttemptResult {
    public Done(ExportResult result, boolean calledOneC) {
      this(result, calledOneC, null);
    }
  }

  /**
   * Transient: 1C, the network or the database failed in a way a later attempt may not.
   *
   * @param retryAfter what 1C asked for (Retry-After), or null
   */
  record Retry(long orderId, String invoiceNumber, String reason, int httpStatus, Duration retryAfter, boolean calledOneC)
      implements AttemptResult {}
}
