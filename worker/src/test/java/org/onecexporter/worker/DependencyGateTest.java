package org.onecexporter.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.onecexporter.worker.DependencyGate.Dependency;

/** The gate of a worker's own dependencies, with probes that hang, fail and answer on command. */
class DependencyGateTest {
  private static final DependencyGate.Timings FAST =
      new DependencyGate.Timings(Duration.ofMillis(300), Duration.ofMillis(200), Duration.ofMillis(500),
          Duration.ofSeconds(1));

  @Test
  void a_probe_that_hangs_makes_the_worker_sick_without_starting_a_second_one_and_its_answer_heals_it()
      throws Exception {
    AtomicBoolean frozen = new AtomicBoolean(false);
    CountDownLatch thaw = new CountDownLatch(1);
    AtomicInteger started = new AtomicInteger();
    try (DependencyGate gate = new DependencyGate("w", Map.of(Dependency.POSTGRESQL, () -> {
      started.incrementAndGet();
      if (frozen.get()) {
        try {
          thaw.await(); // a SELECT 1 on a frozen connection: no timeout of its own
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return true;
    }, Dependency.REDIS, () -> true), FAST).start()) {
      await().atMost(Duration.ofSeconds(2)).until(gate::open);
      frozen.set(true);
      gate.suspect("an attempt ran past JOB_TIMEOUT_SECONDS");
      assertThat(gate.open()).as("closed at once, before the probe answers").isFalse();
      await().atMost(Duration.ofSeconds(2)).until(() -> gate.sick(Dependency.POSTGRESQL));
      assertThat(gate.sick(Dependency.REDIS)).isFalse();
      int probesWhileFrozen = started.get();
      Thread.sleep(1_000); // five probe intervals
      assertThat(gate.sick(Dependency.POSTGRESQL)).isTrue();
      assertThat(gate.open()).isFalse();
      assertThat(started.get()).as("the hanging probe is waited for, not started again").isEqualTo(probesWhileFrozen);

      frozen.set(false);
      thaw.countDown();
      await().atMost(Duration.ofSeconds(2)).until(gate::open);
      assertThat(gate.sick(Dependency.POSTGRESQL)).isFalse();
    }
  }

  @Test
  void a_dependency_that_fails_while_no_job_runs_is_noticed_and_a_throwing_probe_counts_as_failed() {
    AtomicBoolean down = new AtomicBoolean(false);
    try (DependencyGate gate = new DependencyGate("w", Map.of(Dependency.REDIS, () -> {
      if (down.get()) {
        throw new IllegalStateException("Connection refused");
      }
      return true;
    }), FAST).start()) {
      await().atMost(Duration.ofSeconds(2)).until(gate::open);
      down.set(true);
      await().atMost(Duration.ofSeconds(3)).until(() -> gate.sick(Dependency.REDIS));
      assertThat(gate.open()).isFalse();
      down.set(false);
      await().atMost(Duration.ofSeconds(2)).until(gate::open);
    }
  }

  @Test
  void a_suspicion_the_probe_clears_opens_the_gate_again_without_calling_anything_sick() {
    try (DependencyGate gate = new DependencyGate("w", Map.of(Dependency.POSTGRESQL, () -> true), FAST).start()) {
      await().atMost(Duration.ofSeconds(2)).until(gate::open);
      gate.suspect("an order failed on our side");
      await().atMost(Duration.ofSeconds(2)).until(gate::open);
      assertThat(gate.sick(Dependency.POSTGRESQL)).isFalse();
    }
  }
}
