package org.onecexporter.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.model.Ack;
import org.onecexporter.queue.model.ClaimResult;
import org.onecexporter.queue.model.ClaimedJob;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.slf4j.LoggerFactory;

/**
 * The lease renewal's warning "lease on order N was lost; another worker may have it" on a real Redis: said when the
 * lease was taken over while the attempt ran, not when the attempt's own finishing move landed between the renewal's
 * snapshot and its answer (the quick chaos soak printed 21 such false warnings in a minute of draining, each
 * suggesting a second worker on an order that was simply done).
 */
@ExtendWith(RedisExtension.class)
class LeaseKeeperTest {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private final JobQueue queue;
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(LeaseKeeper.class);
  private DependencyGate gate;
  private LeaseKeeper leases;

  LeaseKeeperTest(TestRedis redis) {
    this.queue = redis.queue();
  }

  @BeforeEach
  void setUp() {
    queue.deleteAll();
    logs.start();
    logger.addAppender(logs);
    gate = new DependencyGate("w", Map.of(DependencyGate.Dependency.REDIS, () -> true),
        DependencyGate.Timings.DEFAULT);
    WorkerConfig config = WorkerConfig.builder("w", queue.keys()).lease(LEASE).build();
    leases = new LeaseKeeper(config, queue, gate, new WorkerMetrics());
  }

  @AfterEach
  void tearDown() {
    logger.detachAppender(logs);
    gate.close();
  }

  private ClaimedJob claim(String worker) {
    ClaimResult claimed = queue.claim(LEASE, worker, 1);
    assertThat(claimed).isInstanceOf(ClaimResult.Jobs.class);
    return claimed.jobs().get(0);
  }

  private List<String> lostWarnings() {
    return logs.list.stream().filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("was lost")).toList();
  }

  @Test
  void an_attempt_whose_own_move_landed_is_not_warned_about() {
    queue.enqueue("61", "t");
    ClaimedJob job = claim("w");
    LeaseKeeper.Attempt attempt = leases.begin(job, new Slot(new Semaphore(1)));
    // The attempt's finishing move is on its way (JobRunner says so first), and lands before the renewal asks Redis:
    // the job thread has not reached end() yet when the renewal's answer comes back.
    leases.settling(attempt);
    assertThat(queue.ackAll(List.of(new Ack(job, "exported", null)))).containsExactly(true);
    leases.renewAll();
    assertThat(lostWarnings()).as("the job is done, not taken over").isEmpty();
    leases.end(attempt);
  }

  @Test
  void a_lease_taken_over_while_the_attempt_runs_is_warned_about_once() {
    queue.enqueue("62", "t");
    ClaimedJob job = claim("w");
    LeaseKeeper.Attempt attempt = leases.begin(job, new Slot(new Semaphore(1)));
    // The lease ran out (the worker stood still) and the reaper handed the job to another worker.
    queue.extendAll(List.of(job), Duration.ofMillis(1));
    sleep(20);
    assertThat(queue.reap(3)).isEqualTo(1);
    claim("other");
    leases.renewAll();
    leases.renewAll(); // said once per attempt, not at every renewal until the attempt ends
    assertThat(lostWarnings()).containsExactly("lease on order 62 was lost; another worker may have it");
    leases.end(attempt);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
