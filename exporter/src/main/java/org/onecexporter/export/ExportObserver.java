package org.onecexporter.export;

import java.time.Duration;
import java.time.Instant;

/** Told about every 1C call and every export, for metrics. Must not throw and must be quick. */
public interface ExportObserver {
  ExportObserver NONE = new ExportObserver() {};

  /** One call to 1C ended; {@code outcome} is exported, exported_existing, transient_failure or permanent_failure. */
  default void callFinished(Duration duration, String outcome) {}

  /** An order's invoice was recorded as exported; {@code paidAt} may be null. */
  default void exported(Instant paidAt, Instant exportedAt) {}
}
