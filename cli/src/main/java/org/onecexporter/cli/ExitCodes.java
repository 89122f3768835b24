package org.onecexporter.cli;

import org.onecexporter.export.ExportStatus;

/** Process exit codes of {@code onec-exporter}. */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int INTERNAL = 1;
  public static final int USAGE = 2;
  public static final int REJECTED = 3;
  public static final int FAILED = 4;
  public static final int UNAVAILABLE = 5;

  private ExitCodes() {}

  public static int of(ExportStatus status) {
    return switch (status) {
      case EXPORTED, ALREADY_EXPORTED, CANCELLED, ALREADY_CANCELLED, NOT_CREATED -> OK;
      case REJECTED -> REJECTED;
      case FAILED -> FAILED;
    };
  }
}
