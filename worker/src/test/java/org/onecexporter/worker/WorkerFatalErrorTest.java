package org.onecexporter.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.export.AttemptContext;
import org.onecexporter.export.AttemptResult;
import org.onecexporter.export.ExportResult;
import org.onecexporter.export.ExportStatus;
import org.onecexporter.export.JobHandler;
import org.onecexporter.export.RetrySchedule;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.admin.QueueStats;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;

/**
 * An {@link Error} in a job is no job failure: the worker moves no job, stops claiming, and its job is exported by
 * another worker once its lease runs out. On a real Redis.
 */
@ExtendWith(RedisExtension.class)
class WorkerFatalErrorTest {
  /** Exports every order, except that order 1 runs this process out of memory on the first worker. */
  private static final class Handler implements JobHandler {
    private final boolean failsOnOrder1;
    final Set<Long> exported = ConcurrentHashMap.newKeySet();
    volatile boolean threw;

    Handler(boolean failsOnOrder1) {
      this.failsOnOrder1 = failsOnOrder1;
    }

    @Override
    public AttemptResult attempt(AttemptContext attempt) {
      if (failsOnOrder1 && attempt.orderId() == 1) {
        threw = true;
        throw new OutOfMemoryError("Java heap space (simulated)");
      }
      exported.add(attempt.orderId());
      return new AttemptResult.Done(new ExportResult(attempt.orderId(), ExportStatus.EXPORTED, "INV-2026-001", null,
          0, null, 201, ExportResult.Reason.NONE), true, Duration.ofMillis(1));
    }

    @Override
    public RetrySchedule schedule() {
      return RetrySchedule.DEFAULT;
    }
  }

  private static WorkerConfig config(String id, JobQueue queue) {
    return WorkerConfig.builder(id, queue.keys()).concurrency(2).lease(Duration.ofSeconds(2))
        .reconcileInterval(Duration.ofHours(1)).shutdownGrace(Duration.ofSeconds(1)).build();
  }

  @Test
  void an_error_moves_no_job_stops_claiming_and_the_job_goes_to_another_worker(TestRedis redis) throws Exception {
    JobQueue queue = redis.queue();
    queue.deleteAll();
    queue.enqueue("1", "test");
    Handler sick = new Handler(true);
    try (Worker first = new Worker(config("sick", queue), queue, sick, null).start()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> sick.threw);
      Thread.sleep(300); // room for a queue move, were one to follow
      QueueStats.Stats afterError = queue.stats();
      assertThat(afterError.active()).as("the job keeps its lease until it runs out").isEqualTo(1);
      assertThat(afterError.delayed()).as("not retried as a failure").isZero();
      assertThat(afterError.dlq()).as("not dead-lettered").isZero();
      assertThat(queue.job("1")).as("no failure recorded on the job")
          .containsEntry("state", "active").doesNotContainKey("last_error");

      queue.enqueue("2", "test");
      Thread.sleep(1_500);
      assertThat(sick.exported).as("the stopped worker claims nothing more").isEmpty();
      assertThat(queue.stats().ready()).isEqualTo(1);

      Handler healthy = new Handler(false);
      try (Worker second = new Worker(config("healthy", queue), queue, healthy, null).start()) {
        await().atMost(Duration.ofSeconds(15)).until(() -> healthy.exported.containsAll(Set.of(1L, 2L)));
        await().atMost(Duration.ofSeconds(5)).until(() -> queue.stats().active() == 0);
      }
    }
  }
}
