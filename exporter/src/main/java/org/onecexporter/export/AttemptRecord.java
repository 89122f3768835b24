package org.onecexporter.export;

import java.time.Instant;

/**
 * One attempt of one export, as the attempt history keeps it (table {@code export_attempts}).
 *
 * @param outcome exported, already_exported, rejected_not_found, rejected_not_paid, rejected_invalid,
 *     rejected_refused_by_1c, transient_failure, not_configured (also 1C's 401 and 403: the exporter's credentials or
 *     rights), not_called (our side failed before the call),
 *     onec_down (held back: 1C down for the fleet), cap_full (held back: every fleet-wide permit busy),
 *     record_failed (1C accepted, recording it in PostgreSQL failed), not_created (the order was refunded or
 *     cancelled before its invoice was created: 1C not called); a cancellation's attempts: cancelled,
 *     already_cancelled, cancel_not_created (1C never had the invoice), and the others prefixed {@code cancel_}
 *     (cancel_transient_failure, cancel_rejected_invoice_has_documents, ...)
 * @param httpStatus 1C's answer, null when 1C was not called or did not answer
 * @param permitWaitMillis time between asking to send and the HTTP call (the fleet-wide 1C permit), null when
 *     nothing was sent
 * @param traceId the OpenTelemetry trace the attempt belongs to (the payment's, when the enqueuer recorded it),
 *     null when there is none
 */
public record AttemptRecord(long orderId, String invoiceNumber, int attempt, Instant startedAt, Instant finishedAt,
    String outcome, Integer httpStatus, String error, String documentId, String documentNumber,
    Integer permitWaitMillis, String traceId) {

  public AttemptRecord(long orderId, String invoiceNumber, int attempt, Instant startedAt, Instant finishedAt,
      String outcome, Integer httpStatus, String error, String documentId, String documentNumber,
      Integer permitWaitMillis) {
    this(orderId, invoiceNumber, attempt, startedAt, finishedAt, outcome, httpStatus, error, documentId,
        documentNumber, permitWaitMillis, null);
  }

  /** The longest error kept; the DLQ entry and the log have the rest. */
  public static final int MAX_ERROR = 500;

  public AttemptRecord {
    if (error != null && error.length() > MAX_ERROR) {
      error = error.substring(0, MAX_ERROR - 1) + "…";
    }
  }
}
