package org.onecexporter.onec;

/** Sends one invoice to 1C, or cancels one, once per call. Retrying is the caller's decision. */
public interface OneCClient extends AutoCloseable {
  /**
   * @param probeToken the lease token of the job when it is the fleet's probe of a 1C that is down, else null; a
   *     client that does not gate calls fleet-wide ignores it
   */
  Exchange send(String invoiceNumber, String jsonBody, String probeToken);

  /**
   * Asks 1C to cancel the invoice it made for {@code invoiceNumber}: {@code POST <invoices>/<number>/cancel}, which
   * marks the «Счёт на оплату» for deletion. {@link CallOutcome.Success} when 1C marked it ({@code existing}
   * false) or had marked it before ({@code already_cancelled}, {@code existing} true); {@link
   * CallOutcome.Permanent} with {@link CallOutcome.Refusal#INVOICE_NOT_FOUND} when 1C has no invoice for the
   * number and {@link CallOutcome.Refusal#INVOICE_HAS_DOCUMENTS} when documents are based on it; every other answer
   * classified as for {@link #send}.
   *
   * @param reason why, for the register and the document's comment in 1C (no personal data); null or blank for none
   * @param probeToken as for {@link #send}
   */
  Exchange cancel(String invoiceNumber, String reason, String probeToken);

  /**
   * As {@link #send(String, String, String)}; {@code answered} runs once, as soon as the exchange with 1C is over
   * (its answer read) and before the client's own work on the answer (masking; for a 2xx answer classifying too),
   * so that the caller can give back at once what only the exchange needed: a fleet-wide permit. For a transient
   * failure ({@link CallOutcome.Transient}: 5xx, a timeout, no connection) a client may leave it to the caller, who
   * runs it once the exchange is back: a gate then tells the fleet 1C failed before the permit lets another call
   * in. The caller runs it in any case when the call returns (running it twice does nothing more).
   */
  default Exchange send(String invoiceNumber, String jsonBody, String probeToken, Runnable answered) {
    try {
      return send(invoiceNumber, jsonBody, probeToken);
    } finally {
      answered.run();
    }
  }

  /** As {@link #cancel(String, String, String)}, with {@code answered} as for {@link #send(String, String, String, Runnable)}. */
  default Exchange cancel(String invoiceNumber, String reason, String probeToken, Runnable answered) {
    try {
      return cancel(invoiceNumber, reason, probeToken);
    } finally {
      answered.run();
    }
  }

  /** The outcome plus what was said on the wire, for the attempt's log line. */
  record Exchange(CallOutcome outcome, String responseBody, long durationMillis) {}

  @Override
  void close();
}
