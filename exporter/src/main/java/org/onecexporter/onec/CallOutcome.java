package org.onecexporter.onec;

import java.time.Duration;

/** What one call to 1C came to, once classified. */
public sealed interface CallOutcome {
  /** HTTP status of the answer, or 0 when there was none (connection refused, timeout, dropped). */
  int httpStatus();

  /** 1C created the invoice, or already had it ({@code existing}). */
  record Success(int httpStatus, String documentId, String documentNumber, boolean existing) implements CallOutcome {}

  /** Worth retrying: 1C or the way to it is down, busy, locked or slow. */
  record Transient(int httpStatus, String reason, Duration retryAfter) implements CallOutcome {}

  /**
   * 1C is reachable but the extension is not set up for the shop (its settings or VAT rate kinds are missing):
   * every order would fail the same way until an administrator fixes it. Wait, alert, never dead-letter.
   */
  record NotConfigured(int httpStatus, String reason, Duration retryAfter) implements CallOutcome {}

  /** Retrying cannot help: the request or the configuration is wrong, or 1C refused the invoice. */
  record Permanent(int httpStatus, String reason) implements CallOutcome {}

  /**
   * The call was not made: our side could not let it go (no fleet-wide 1C permit because Redis is unavailable,
   * or the worker is stopping), or the whole fleet knows 1C is down ({@code oneCDownFor}: until the next probe).
   */
  record NotCalled(String reason, Duration oneCDownFor) implements CallOutcome {
    public NotCalled(String reason) {
      this(reason, null);
    }

    /** The fleet knows 1C is down and this call was not its probe: nothing about our side either. */
    public boolean oneCDown() {
      return oneCDownFor != null;
    }

    @Override
    public int httpStatus() {
      return 0;
    }
  }
}
