package org.onecexporter.export;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The ends of an export, as printed by {@code onec-exporter export}, and of an invoice's cancellation (issue 24).
 */
public enum ExportStatus {
  EXPORTED("exported"),
  ALREADY_EXPORTED("already_exported"),
  /** A cancellation: 1C marked the invoice for deletion now. */
  CANCELLED("cancelled"),
  /** A cancellation: it was done before (our ledger says so, or 1C answered {@code already_cancelled}). */
  ALREADY_CANCELLED("already_cancelled"),
  /**
   * No invoice was, or will be, made: an export of an order refunded, cancelled or with a cancel request before its
   * invoice was created (1C not called), or a cancellation that found none in 1C.
   */
  NOT_CREATED("not_created"),
  /** Not found, not paid, invalid data, or a permanent refusal by 1C: retrying will not help. */
  REJECTED("rejected"),
  /** Transient failures outlasted the retry schedule. */
  FAILED("failed");

  private final String wire;

  ExportStatus(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  /** A final answer that needs nobody: the job is acked. */
  public boolean isSuccess() {
    return this != REJECTED && this != FAILED;
  }
}
