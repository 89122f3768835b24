package org.onecexporter.export;

import com.fasterxml.jackson.annotation.JsonValue;

/** The four ends of an export, as printed by {@code onec-exporter export}. */
public enum ExportStatus {
  EXPORTED("exported"),
  ALREADY_EXPORTED("already_exported"),
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

  public boolean isSuccess() {
    return this == EXPORTED || this == ALREADY_EXPORTED;
  }
}
