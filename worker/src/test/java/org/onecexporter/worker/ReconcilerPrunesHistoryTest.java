package org.onecexporter.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.testing.DatabaseExtension;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.TestDatabase;

/** The reconciler's run also deletes attempt history older than ATTEMPT_HISTORY_DAYS (issue 12), on both databases. */
@ExtendWith({DatabaseExtension.class, RedisExtension.class})
class ReconcilerPrunesHistoryTest {
  @Test
  void a_reconciler_run_deletes_attempts_older_than_the_retention_and_keeps_the_rest(TestDatabase db,
      TestRedis redis) {
    Instant now = Instant.now();
    db.jdbi().useHandle(h -> {
      for (int days = 1; days <= 10; days++) {
        Object at = db.dialect().timestamp(now.minus(Duration.ofDays(days)));
        h.createUpdate("INSERT INTO export_attempts (order_id, attempt, actor, started_at, finished_at, outcome)"
            + " VALUES (:id, 1, 'w', :at, :at, 'exported')").bind("id", days).bind("at", at).execute();
      }
    });

    new Reconciler(db.jdbi(), redis.queue(), Duration.ofMinutes(2)).pruningHistory(Duration.ofDays(7)).run();

    java.util.List<Long> kept = db.jdbi().withHandle(h -> h.createQuery(
        "SELECT order_id FROM export_attempts ORDER BY order_id").mapTo(Long.class).list());
    assertThat(kept).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    new Reconciler(db.jdbi(), redis.queue(), Duration.ofMinutes(2)).run();
    long left = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM export_attempts")
        .mapTo(Long.class).one());
    assertThat(left).as("without a retention nothing is pruned").isEqualTo(6);
  }
}
