package org.onecexporter.export;

import java.time.Instant;
import org.onecexporter.onec.CallOutcome;
import org.onecexporter.onec.OneCClient;
import org.onecexporter.telemetry.Traces;

/** What one attempt saw of the 1C call, beyond its {@link AttemptResult}: for the attempt history. */
final class AttemptTrace {
  private OneCClient.Exchange exchange;
  private long sendMillis;
  private boolean cancel;

  /** The attempt cancels the order's invoice: its outcomes other than its own ends read {@code cancel_...}. */
  AttemptTrace cancelling() {
    this.cancel = true;
    return this;
  }

  /** The client answered after {@code sendMillis}, of which {@code exchange.durationMillis()} was the call. */
  void sent(OneCClient.Exchange answered, long elapsedMillis) {
    this.exchange = answered;
    this.sendMillis = elapsedMillis;
  }

  AttemptRecord toRecord(long orderId, int attempt, Instant started, Instant finished, AttemptResult result) {
    Integer permitWait = exchange == null ? null : (int) Math.max(0, sendMillis - exchange.durationMillis());
    String documentId = null;
    String documentNumber = null;
    if (exchange != null && exchange.outcome() instanceof CallOutcome.Success success) {
      documentId = success.documentId();
      documentNumber = success.documentNumber();
    }
    return switch (result) {
      case AttemptResult.Done done -> {
        ExportResult r = done.result();
        String outcome = switch (r.status()) {
          case EXPORTED -> "exported";
          case ALREADY_EXPORTED -> "already_exported";
          case CANCELLED -> "cancelled";
          case ALREADY_CANCELLED -> "already_cancelled";
          case NOT_CREATED -> cancel ? "cancel_not_created" : "not_created";
          case REJECTED -> prefix() + "rejected_" + r.reason().wire();
          case FAILED -> prefix() + "failed";
        };
        yield new AttemptRecord(orderId, r.invoiceNumber(), attempt, started, finished, outcome,
            status(r.httpStatus()), r.error(), documentId, documentNumber, permitWait, Traces.currentTraceId());
      }
      case AttemptResult.Retry retry -> {
        String outcome = prefix() + switch (retry.failed()) {
          case ONE_C -> "transient_failure";
          case ONE_C_NOT_CONFIGURED, ONE_C_ACCESS_REFUSED -> "not_configured"; // both wait for an administrator
          case OUR_SIDE_BEFORE_THE_CALL -> "not_called";
          case OUR_SIDE_AFTER_THE_CALL -> "record_failed";
          case ONE_C_DOWN -> "onec_down";
          case CAP_FULL -> "cap_full";
        };
        yield new AttemptRecord(orderId, retry.invoiceNumber(), attempt, started, finished, outcome,
            status(retry.httpStatus()), retry.reason(), documentId, documentNumber, permitWait,
            Traces.currentTraceId());
      }
    };
  }

  private String prefix() {
    return cancel ? "cancel_" : "";
  }

  private static Integer status(int httpStatus) {
    return httpStatus == 0 ? null : httpStatus;
  }
}
