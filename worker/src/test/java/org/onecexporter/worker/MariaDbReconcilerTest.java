package org.onecexporter.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.onecexporter.testing.TestOrder.aPaidOrder;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.onecexporter.db.ReferenceSource;
import org.onecexporter.db.SqlOrderStore;
import org.onecexporter.history.AttemptHistoryRepository;
import org.onecexporter.queue.JobQueue;
import org.onecexporter.queue.testing.RedisExtension;
import org.onecexporter.queue.testing.RedisExtension.TestRedis;
import org.onecexporter.testing.MariaDbExtension;
import org.onecexporter.testing.TestDatabase;

/** The reconciler on MariaDB: paid orders nobody enqueued get a job, by cursor, and old attempts are pruned. */
@ExtendWith({MariaDbExtension.class, RedisExtension.class})
class MariaDbReconcilerTest {
  private final TestDatabase db;
  private final JobQueue queue;

  MariaDbReconcilerTest(TestDatabase db, TestRedis redis) {
    this.db = db;
    this.queue = redis.queue();
  }

  @Test
  void paid_orders_without_a_job_are_queued_once_in_batches_and_old_history_goes() {
    for (long id = 1; id <= 7; id++) {
      aPaidOrder(id).insert(db.jdbi());
    }
    aPaidOrder(8).status("new").insert(db.jdbi());
    db.jdbi().useHandle(h -> h.execute("INSERT INTO export_attempts (order_id, attempt, actor, started_at,"
        + " finished_at, outcome) VALUES (1, 1, 'w', UTC_TIMESTAMP(6) - INTERVAL 10 DAY,"
        + " UTC_TIMESTAMP(6) - INTERVAL 10 DAY, 'exported'), (2, 1, 'w', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), 'exported')"));
    Reconciler reconciler = new Reconciler(new SqlOrderStore(db.jdbi(), db.dialect(), ReferenceSource.INSTANCE),
        new AttemptHistoryRepository(db.jdbi(), db.dialect()), queue, Duration.ofMinutes(2), 3)
        .pruningHistory(Duration.ofDays(7));

    int queued = 0;
    for (int run = 0; run < 4; run++) {
      queued += reconciler.run().queued();
    }

    assertThat(queued).isEqualTo(7);
    assertThat(queue.stats().ready()).isEqualTo(7);
    assertThat(reconciler.run().queued()).as("idempotent").isZero();
    long left = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM export_attempts").mapTo(Long.class).one());
    assertThat(left).isEqualTo(1);
  }
}
