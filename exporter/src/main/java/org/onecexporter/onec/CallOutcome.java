package org.onecexporter.onec;

import java.time.Duration;

/** What one call to 1C came to, once classified. */
public sealed interface CallOutcome {
  /** HTTP status of the answer, or 0 when there was none (connection refused, timeout, dropped). */
  int httpStatus();

  /**
   * 1C created the invoice, or already had it ({@code existing}); for a cancellation: 1C marked the invoice for
   * deletion, or it was marked already ({@code existing}: the answer {@code already_cancelled}).
   */
  record Success(int httpStatus, String documentId, String documentNumber, boolean existing) implements CallOutcome {}

  /** Worth retrying: 1C or the way to it is down, busy, locked or slow. */
  record Transient(int httpStatus, String reason, Duration retryAfter) implements CallOutcome {}

  /**
   * 1C is reachable but the extension is not set up for the shop (its settings or VAT rate kinds are missing):
   * every order would fail the same way until an administrator fixes it. Wait, alert, never dead-letter.
   */
  record NotConfigured(int httpStatus, String reason, Duration retryAfter) implements CallOutcome {}

  /**
   * 1C refused the exporter itself, not the invoice: wrong credentials (401) or a 1C user without the rights the
   * invoices service needs (403). Every order would be refused alike until an administrator fixes it: wait, alert,
   * never dead-letter.
   */
  record AccessRefused(int httpStatus, String reason) implements CallOutcome {}

  /**
   * Retrying cannot help: the request or the configuration is wrong, or 1C refused the invoice; {@code refusal} says
   * which refusal, for a DLQ reason of its own.
   */
  record Permanent(int httpStatus, String reason, Refusal refusal) implements CallOutcome {
    public Permanent {
      java.util.Objects.requireNonNull(refusal);
    }

    /** A refusal with no reason of its own ({@link Refusal#REFUSED}). */
    public Permanent(int httpStatus, String reason) {
      this(httpStatus, reason, Refusal.REFUSED);
    }
  }

  /** Which permanent refusal 1C gave. */
  enum Refusal {
    /** Any refusal of the request or of the invoice (the DLQ's {@code refused_by_1c}). */
    REFUSED,
    /** A cancellation of an invoice number 1C never made an invoice for ({@code not_found}). */
    INVOICE_NOT_FOUND,
    /**
     * A cancellation of an invoice that has documents based on it in 1C (a payment, a shipment): 1C left the
     * invoice as it was, the accountant decides ({@code has_based_documents}).
     */
    INVOICE_HAS_DOCUMENTS,
    /**
     * A create of a number the shop cancelled before 1C made its invoice ({@code 409 cancelled}): a create that was
     * still running in 1C when the refund's cancellation found nothing. None is made, now or later.
     */
    CANCELLED_BEFORE_CREATION
  }

  /**
   * The call was not made, and why: {@code retryIn} is how long until it may be (the next probe), or null.
   */
  record NotCalled(String reason, Why why, Duration retryIn) implements CallOutcome {
    /** Why a call was not made. */
    public enum Why {
      /** Our side could not let it go: no fleet-wide 1C permit because Redis is unavailable, or stopping. */
      OUR_SIDE,
      /** The whole fleet knows 1C is down and this call was not its probe. */
      ONE_C_DOWN,
      /** Every fleet-wide permit (ONEC_MAX_CONCURRENCY) stayed busy: back-pressure, nothing about 1C's health. */
      CAP_FULL
    }

    /** The fleet knows 1C is down and this call was not its probe: nothing about our side either. */
    public boolean oneCDown() {
      return why == Why.ONE_C_DOWN;
    }

    @Override
    public int httpStatus() {
      return 0;
    }
  }
}
