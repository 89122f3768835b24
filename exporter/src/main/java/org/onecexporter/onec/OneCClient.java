package org.onecexporter.onec;

/** Sends one invoice to 1C, once. Retrying is the caller's decision. */
public interface OneCClient extends AutoCloseable {
  Exchange send(String invoiceNumber, String jsonBody);

  /** The outcome plus what was said on the wire, for the attempt's log line. */
  record Exchange(CallOutcome outcome, String responseBody, long durationMillis) {}

  @Override
  void close();
}
