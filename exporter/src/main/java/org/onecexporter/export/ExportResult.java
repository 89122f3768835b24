package org.onecexporter.export;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/**
 * The outcome of exporting one order, printed as one JSON object by the command line.
 *
 * @param attempts calls made to 1C for this export
 * @param httpStatus the last 1C answer's status, 0 when there was none; not part of the printed JSON
 * @param reason why it ended so (not part of the printed JSON)
 */
@JsonPropertyOrder({"order_id", "status", "invoice_number", "exported_at", "attempts", "error"})
public record ExportResult(
    @JsonProperty("order_id") long orderId,
    @JsonProperty("status") ExportStatus status,
    @JsonProperty("invoice_number") String invoiceNumber,
    @JsonProperty("exported_at") Instant exportedAt,
    @JsonProperty("attempts") int attempts,
    @JsonProperty("error") String error,
    @com.fasterxml.jackson.annotation.JsonIgnore int httpStatus,
    @com.fasterxml.jackson.annotation.JsonIgnore Reason reason) {

  /** Why an export ended the way it did: the DLQ entry's reason (its wire name); not part of the printed JSON. */
  public enum Reason {
    NONE, NOT_FOUND, NOT_PAID, INVALID, REFUSED_BY_1C, EXHAUSTED, INTERRUPTED,
    /** The job's id is not an order id (pushed by hand): only a queue job can be malformed. */
    MALFORMED,
    /** Failures on our side (PostgreSQL, Redis) outlasted INFRA_RETRY_DELAYS, or the attempt kept stalling. */
    INFRASTRUCTURE,
    /** A cancellation: 1C has no invoice for the order's invoice number. */
    INVOICE_NOT_FOUND,
    /** A cancellation: the invoice has documents based on it in 1C (a payment, a shipment); the accountant decides. */
    INVOICE_HAS_DOCUMENTS;

    /** The DLQ reason of 1C's permanent refusal. */
    public static Reason of(org.onecexporter.onec.CallOutcome.Refusal refusal) {
      return switch (refusal) {
        case REFUSED, CANCELLED_BEFORE_CREATION -> REFUSED_BY_1C;
        case INVOICE_NOT_FOUND -> INVOICE_NOT_FOUND;
        case INVOICE_HAS_DOCUMENTS -> INVOICE_HAS_DOCUMENTS;
      };
    }

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public ExportResult withAttempts(int total) {
    return new ExportResult(orderId, status, invoiceNumber, exportedAt, total, error, httpStatus, reason);
  }
}
