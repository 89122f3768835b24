package org.onecexporter.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.onecexporter.enqueuer.EnqueueStatus;
import org.onecexporter.enqueuer.InvoiceEnqueuer;

/**
 * The enqueuer's metrics (the library itself has no metrics dependency): {@code onec_enqueues_total{result}} and
 * {@code onec_enqueue_duration_seconds}.
 */
public final class EnqueueMeters implements InvoiceEnqueuer.Listener {
  private final Timer duration;
  private final Map<EnqueueStatus, Counter> results = new EnumMap<>(EnqueueStatus.class);

  public EnqueueMeters(MeterRegistry registry) {
    this.duration = Timer.builder("onec_enqueue_duration")
        .description("Time the payment path spends queueing one export").publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(100_000)).maximumExpectedValue(Duration.ofSeconds(5))
        .register(registry);
    for (EnqueueStatus status : EnqueueStatus.values()) {
      results.put(status, Counter.builder("onec_enqueues").tag("result", status.name().toLowerCase(Locale.ROOT))
          .description("Enqueue requests by result").register(registry));
    }
  }

  @Override
  public void enqueued(EnqueueStatus status, long nanos) {
    duration.record(nanos, TimeUnit.NANOSECONDS);
    results.get(status).increment();
  }
}
