package org.onecexporter.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The enqueuer's metrics, {@code onec_enqueues_total{result}} and {@code onec_enqueue_duration_seconds}, for the
 * processes that enqueue (the enqueuer service, the console). The enqueuer library itself has no metrics
 * dependency: its listener hands each result's name here ({@code (status, nanos) -> meters.record(status.name(),
 * nanos)}).
 */
public final class EnqueueMeters {
  private final Timer duration;
  private final Map<String, Counter> results = new LinkedHashMap<>();

  /** {@code results}: every result name the enqueuer can report, registered up front so each shows as 0. */
  public EnqueueMeters(MeterRegistry registry, List<String> resultNames) {
    this.duration = Timer.builder("onec_enqueue_duration")
        .description("Time the payment path spends queueing one export").publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(100_000)).maximumExpectedValue(Duration.ofSeconds(5))
        .register(registry);
    for (String name : resultNames) {
      String tag = name.toLowerCase(Locale.ROOT);
      results.put(tag, Counter.builder("onec_enqueues").tag("result", tag)
          .description("Enqueue requests by result").register(registry));
    }
  }

  /** One enqueue: its result's name (as registered) and its duration. */
  public void record(String resultName, long nanos) {
    duration.record(nanos, TimeUnit.NANOSECONDS);
    Counter counter = results.get(resultName.toLowerCase(Locale.ROOT));
    if (counter != null) {
      counter.increment();
    }
  }
}
