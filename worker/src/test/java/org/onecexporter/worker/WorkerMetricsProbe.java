package org.onecexporter.worker;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.time.Instant;

/** Drives a {@link WorkerMetrics} through one of each event and returns the Prometheus text. */
public final class WorkerMetricsProbe {
  private WorkerMetricsProbe() {}

  public static String scrapeAfterOneOfEach(CircuitBreaker breaker, Instant paidAt, Instant exportedAt) {
    WorkerMetrics metrics = new WorkerMetrics();
    metrics.circuit(breaker::getState);
    metrics.inFlightJobs(() -> 0);
    metrics.callFinished(Duration.ofMillis(20), "exported");
    metrics.exported(paidAt, exportedAt);
    metrics.export("exported");
    metrics.retry();
    metrics.deadLetter("invalid");
    metrics.notConfigured();
    breaker.transitionToOpenState();
    metrics.circuitTransition(breaker.getState());
    return metrics.registry().scrape();
  }
}
