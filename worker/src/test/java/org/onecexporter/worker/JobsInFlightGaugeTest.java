package org.onecexporter.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** onec_jobs_in_flight reads the worker's own map for as long as the worker lives, garbage collections or not. */
class JobsInFlightGaugeTest {
  @Test
  void the_gauge_survives_a_garbage_collection() throws Exception {
    WorkerMetrics metrics = new WorkerMetrics();
    Map<String, Object> inFlight = new ConcurrentHashMap<>(Map.of("1", 1, "2", 2));
    metrics.inFlightJobs(inFlight::size); // as Worker registers it: a method reference nobody else holds
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(20);
    }
    assertThat(metrics.registry().scrape()).contains("onec_jobs_in_flight 2.0");
    inFlight.remove("1");
    assertThat(metrics.registry().scrape()).contains("onec_jobs_in_flight 1.0");
  }
}
