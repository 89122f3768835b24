package org.onecexporter.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;

/**
 * Redisson resends a script whose answer timed out (retryAttempts). A claim is not idempotent by itself: the resent
 * one would lease a second batch and the first would wait a whole lease for nobody, and gain a stall. The call's
 * token is its request id: the same token answers the same jobs.
 */
@ExtendWith(RedisExtension.class)
class ClaimReplayTest {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private final JobQueue queue;

  ClaimReplayTest(TestRedis redis) {
    this.queue = redis.queue();
  }

  @BeforeEach
  void clean() {
    queue.deleteAll();
    for (int id = 1; id <= 4; id++) {
      queue.enqueue(Integer.toString(id), "test");
    }
  }

  private static List<JobQueue.ClaimedJob> jobs(JobQueue.ClaimResult claim) {
    assertThat(claim).isInstanceOf(JobQueue.Jobs.class);
    return claim.jobs();
  }

  @Test
  void a_replayed_claim_answers_the_same_jobs_and_leases_nothing_more() {
    List<JobQueue.ClaimedJob> first = jobs(queue.claim("request-1", LEASE, "w", 2));
    List<JobQueue.ClaimedJob> replay = jobs(queue.claim("request-1", LEASE, "w", 2));

    assertThat(first).extracting(JobQueue.ClaimedJob::orderId).containsExactly("1", "2");
    assertThat(replay).isEqualTo(first);
    assertThat(queue.stats().active()).as("no batch leased to nobody").isEqualTo(2);
    assertThat(queue.stats().ready()).isEqualTo(2);
    assertThat(queue.job("1")).containsEntry("attempts", "1");
    // a new call (a new token) gets the next jobs
    assertThat(jobs(queue.claim("request-2", LEASE, "w", 2))).extracting(JobQueue.ClaimedJob::orderId)
        .containsExactly("3", "4");
  }

  @Test
  void a_replayed_ack_and_claim_answers_the_same_acks_and_jobs() {
    JobQueue.ClaimedJob done = jobs(queue.claim("request-1", LEASE, "w", 1)).get(0);
    List<JobQueue.Ack> acks = List.of(new JobQueue.Ack(done, "exported", Duration.ofMillis(5)));

    JobQueue.AckClaim first = queue.ackAndClaimAsync("request-2", acks, LEASE, "w", 1).toCompletableFuture().join();
    JobQueue.AckClaim replay = queue.ackAndClaimAsync("request-2", acks, LEASE, "w", 1).toCompletableFuture().join();

    assertThat(first.acked()).containsExactly(true);
    assertThat(replay.acked()).as("the ack was done by the first run: still reported done").containsExactly(true);
    assertThat(replay.claimed()).isEqualTo(first.claimed()).hasSize(1);
    assertThat(queue.stats().active()).isEqualTo(1);
    assertThat(queue.stats().ready()).isEqualTo(2);
    assertThat(queue.stats().counters()).containsEntry("exported", 1L);
  }
}
