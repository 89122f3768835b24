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
   * A call in two parts, for a caller that holds something only while 1C is at work (a fleet-wide permit): {@link
   * #exchange()} is the exchange with 1C, {@link #outcome()} the client's own work on the answer (classifying,
   * masking), which needs nothing held and may run on another thread. Each runs once, in that order.
   */
  interface Split {
    /**
     * Makes the exchange with 1C; never throws for what 1C or the network did (that is the outcome). True when the
     * answer may let the next call in before it is classified (a 2xx answer); false when the caller should take
     * {@link #outcome()} first: a gate then tells the fleet of a transient failure (5xx, a timeout, no connection)
     * before its permit lets another call in.
     */
    boolean exchange();

    /** The call's outcome, after {@link #exchange()}. */
    Exchange outcome();
  }

  /**
   * {@link #send(String, String, String)} in two parts. Whatever needs no 1C (building the request) may be done here,
   * on the caller's thread; nothing is sent before {@link Split#exchange()}.
   */
  default Split sendSplit(String invoiceNumber, String jsonBody, String probeToken) {
    return whole(() -> send(invoiceNumber, jsonBody, probeToken));
  }

  /** {@link #cancel(String, String, String)} in two parts, as {@link #sendSplit}. */
  default Split cancelSplit(String invoiceNumber, String reason, String probeToken) {
    return whole(() -> cancel(invoiceNumber, reason, probeToken));
  }

  /** A call that does not split: all of it in {@link Split#exchange()}. */
  static Split whole(java.util.function.Supplier<Exchange> call) {
    return new Split() {
      private Exchange exchange;

      @Override
      public boolean exchange() {
        exchange = call.get();
        return !(exchange.outcome() instanceof CallOutcome.Transient);
      }

      @Override
      public Exchange outcome() {
        return exchange;
      }
    };
  }

  /** Both parts of {@code split}, one after the other. */
  static Exchange both(Split split) {
    split.exchange();
    return split.outcome();
  }

  /** The outcome plus what was said on the wire, for the attempt's log line. */
  record Exchange(CallOutcome outcome, String responseBody, long durationMillis) {}

  @Override
  void close();
}
