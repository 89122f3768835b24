package org.onecexporter.export;

import java.time.Duration;

/** One attempt's end: either final, or worth retrying later. */
public sealed interface AttemptResult {
  /** Whether 1C was called in this attempt. */
  boolean calledOneC();

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
   * @param failed whose side failed: {@link FailurePolicy} counts only {@link Failed#ONE_C} against the job's
   *     attempts and 1C's fleet-wide health
   */
  record Retry(long orderId, String invoiceNumber, String reason, int httpStatus, Duration retryAfter, Failed failed)
      implements AttemptResult {
    @Override
    public boolean calledOneC() {
      return failed == Failed.ONE_C || failed == Failed.OUR_SIDE_AFTER_THE_CALL || failed == Failed.ONE_C_NOT_CONFIGURED
          || failed == Failed.ONE_C_ACCESS_REFUSED;
    }
  }

  /** Which side a transient failure was on. */
  enum Failed {
    /** PostgreSQL, the order lock or Redis (for the 1C permit) failed; 1C was not called. */
    OUR_SIDE_BEFORE_THE_CALL,
    /** 1C, or the network to it: a transient answer, a timeout, a dropped connection. */
    ONE_C,
    /** 1C accepted the invoice, then recording it in PostgreSQL failed; the next attempt is answered "exists". */
    OUR_SIDE_AFTER_THE_CALL,
    /** 1C answered that its extension is not configured: nobody's attempt, an administrator's task. */
    ONE_C_NOT_CONFIGURED,
    /** 1C refused the exporter's credentials (401) or its user's rights (403): an administrator's task too. */
    ONE_C_ACCESS_REFUSED,
    /** Not called: the fleet knows 1C is down and this job was not its probe ({@code retryAfter}: the next probe). */
    ONE_C_DOWN,
    /** Not called: every fleet-wide 1C permit stayed busy for the whole permit wait (back-pressure). */
    CAP_FULL
  }
}
