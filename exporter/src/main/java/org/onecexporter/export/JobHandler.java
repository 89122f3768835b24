package org.onecexporter.export;

/** What a worker does with one claimed order: {@link OneCExporter} in production, a no-op in benchmarks. */
public interface JobHandler {
  /** One attempt. Never throws for a bad order or a failing 1C. */
  AttemptResult attempt(AttemptContext attempt);

  /**
   * One attempt at cancelling the order's invoice in 1C (a refund or a cancellation after payment). Never throws
   * for a bad order or a failing 1C.
   */
  default AttemptResult cancel(AttemptContext attempt) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " does not cancel invoices");
  }

  /** The retry schedule the worker applies to transient failures. */
  RetrySchedule schedule();

  /** Receives metrics callbacks; a handler without any ignores it. */
  default void observe(ExportObserver observer) {}
}
