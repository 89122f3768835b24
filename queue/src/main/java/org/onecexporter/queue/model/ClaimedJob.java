package org.onecexporter.queue.model;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A job leased to the caller. {@code orderId} is the raw text (a hand-pushed job may not be a number). {@code token}:
 * the job's lease token, which every finishing move checks. {@code probe}: the fleet knows 1C is down and this job
 * is the one allowed to call it. {@code infraFailures}: failures on our side so far (retry.lua). {@code
 * traceparent}: the W3C trace context recorded at enqueue, or null.
 */
public record ClaimedJob(String orderId, String token, int attempt, String invoiceNumber, long enqueuedAtMillis,
    boolean probe, int infraFailures, String traceparent) {
  /** Values per job in a claim answer (includes/claim_jobs.lua): id, token, attempts, … traceparent. */
  public static final int WIRE_FIELDS = 8;

  /** A W3C {@code traceparent} header value (version 00), as recorded with a job; anything else is dropped. */
  private static final Pattern TRACEPARENT =
      Pattern.compile("00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}");

  /** {@code traceparent} when it is a valid W3C value, else null (an invalid one is ignored, as W3C says). */
  public static String validTraceparent(String traceparent) {
    return traceparent != null && TRACEPARENT.matcher(traceparent).matches() ? traceparent : null;
  }

  /**
   * The jobs of a claim answer: {@link #WIRE_FIELDS} values per job from {@code from} on (id, token, attempts,
   * invoice_number, enqueued_at, probe, infra_failures, traceparent). The lease token is the script's.
   */
  public static List<ClaimedJob> fromWire(List<Object> r, int from) {
    List<ClaimedJob> jobs = new java.util.ArrayList<>((r.size() - from) / WIRE_FIELDS);
    for (int i = from; i + WIRE_FIELDS - 1 < r.size(); i += WIRE_FIELDS) {
      String invoice = (String) r.get(i + 3);
      String enqueued = (String) r.get(i + 4);
      String trace = (String) r.get(i + 7);
      jobs.add(new ClaimedJob((String) r.get(i), (String) r.get(i + 1), Integer.parseInt((String) r.get(i + 2)),
          invoice.isEmpty() ? null : invoice, enqueued.isEmpty() ? 0 : Long.parseLong(enqueued),
          "1".equals(r.get(i + 5)), Integer.parseInt(r.get(i + 6).toString()), trace.isEmpty() ? null : trace));
    }
    return jobs;
  }
}
