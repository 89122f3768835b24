package org.onecexporter.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/** Drives a {@link WorkerMetrics} through one of each event and returns the Prometheus text. */
public final class WorkerMetricsProbe {
  private WorkerMetricsProbe() {}

  public static String scrapeAfterOneOfEach(Instant paidAt, Instant exportedAt) {
    WorkerMetrics metrics = new WorkerMetrics();
    AtomicReference<CircuitState> state = new AtomicReference<>(CircuitState.CLOSED);
    metrics.circuit(state::get);
    metrics.inFlightJobs(() -> 0);
    metrics.callFinished(Duration.ofMillis(20), "exported");
    metrics.exported(paidAt, exportedAt);
    metrics.export("exported");
    metrics.retry();
    metrics.deadLetter("invalid");
    metrics.notConfigured();
    state.set(CircuitState.OPEN);
    metrics.circuitTransition(state.get());
    return metrics.registry().scrape();
  }
}
