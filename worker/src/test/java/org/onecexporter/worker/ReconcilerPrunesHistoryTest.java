package org.onecexporter.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.testing.PostgresExtension;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.TestDatabase;

/** The reconciler's run also deletes attempt history older than ATTEMPT_HISTORY_DAYS (issue 12). */
@ExtendWith({PostgresExtension.class, RedisExtension.class})
class ReconcilerPrunesHistoryTest {
  @Test
  void a_reconciler_run_deletes_attempts_older_than_the_retention_and_keeps_the_rest(TestDatabase db,
      TestRedis redis) {
    db.jdbi().useHandle(h -> h.execute("""
        INSERT INTO export_attempts (order_id, attempt, actor, started_at, finished_at, outcome)
        SELECT g, 1, 'w', now() - make_interval(days => g), now() - make_interval(days => g), 'exported'
          FROM generate_series(1, 10) g"""));

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
