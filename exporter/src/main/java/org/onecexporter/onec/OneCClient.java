package org.onecexporter.onec;

/** Sends one invoice to 1C, once. Retrying is the caller's decision. */
public interface OneCClient extends AutoCloseable {
  /**
   * @param probeToken the lease token of the job when it is the fleet's probe of a 1C that is down, else null; a
   *     client that does not gate calls fleet-wide ignores it
   */
  Exchange send(String invoiceNumber, String jsonBody, String probeToken);

  /** The outcome plus what was said on the wire, for the attempt's log line. */
  record Exchange(CallOutcome outcome, String responseBody, long durationMillis) {}

  @Override
  void close();
}
