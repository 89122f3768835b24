package org.onecexporter.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.export.AttemptContext;
import org.onecexporter.export.AttemptResult;
import org.onecexporter.export.JobHandler;
import org.onecexporter.export.RetrySchedule;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;

/**
 * A bug on our side (a runtime exception out of an attempt) retries the job, and the reason it records — read in
 * the console, kept in the job record and the DLQ entry for days — carries the exception's text masked: a driver's
 * or a parser's message may quote a buyer's phone or e-mail. On a real Redis.
 */
@ExtendWith(RedisExtension.class)
class WorkerUnexpectedFailureTest {
  @Test
  void an_unexpected_failure_is_retried_with_its_text_masked(TestRedis redis) throws Exception {
    JobQueue queue = redis.queue();
    queue.deleteAll();
    queue.enqueue("1", "test");
    JobHandler failing = new JobHandler() {
      @Override
      public AttemptResult attempt(AttemptContext attempt) {
        throw new IllegalStateException("no row for +7 (916) 123-45-67, ivan.petrov@example.ru");
      }

      @Override
      public RetrySchedule schedule() {
        return RetrySchedule.DEFAULT;
      }
    };
    WorkerConfig config = WorkerConfig.builder("w", queue.keys()).concurrency(1).lease(Duration.ofSeconds(5))
        .reconcileInterval(Duration.ofHours(1)).shutdownGrace(Duration.ofSeconds(1)).build();
    try (Worker worker = new Worker(config, queue, failing, null).start()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> queue.job("1").get("last_error") != null);
    }
    String reason = queue.job("1").get("last_error");
    assertThat(reason).startsWith("internal error: java.lang.IllegalStateException: no row for ***67, ***@***")
        .doesNotContain("123-45-67", "ivan.petrov");
    assertThat(queue.job("1").get("state")).as("retried, not dead-lettered").isIn("delayed", "ready", "active");
  }
}
