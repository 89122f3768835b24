package org.onecexporter.history;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.onecexporter.db.Dialect;
import org.onecexporter.export.AttemptRecord;

/** Reads and prunes {@code export_attempts} (PostgreSQL, MariaDB, MySQL). */
public final class AttemptHistoryRepository {
  private static final int PRUNE_BATCH = 10_000;

  /** One stored attempt and who made it. */
  public record Entry(long id, String actor, AttemptRecord attempt) {}

  private final Jdbi jdbi;
  private volatile Dialect dialect;

  /** The database behind {@code jdbi} is asked which it is on first use. */
  public AttemptHistoryRepository(Jdbi jdbi) {
    this(jdbi, null);
  }

  public AttemptHistoryRepository(Jdbi jdbi, Dialect dialect) {
    this.jdbi = jdbi;
    this.dialect = dialect;
  }

  private Dialect dialect() {
    Dialect d = dialect;
    if (d == null) {
      d = Dialect.of(jdbi);
      dialect = d;
    }
    return d;
  }

  /** An order's attempts, oldest first, at most {@code limit} (the newest ones when there are more). */
  public List<Entry> forOrder(long orderId, int limit) {
    Dialect d = dialect();
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT * FROM (
              SELECT * FROM export_attempts WHERE order_id = :id ORDER BY started_at DESC, id DESC LIMIT :limit
            ) newest ORDER BY started_at, id""")
        .bind("id", orderId)
        .bind("limit", limit)
        .map((rs, ctx) -> entry(rs, d))
        .list());
  }

  /**
   * Deletes attempts finished more than {@code keep} ago, in batches so a first prune of a large table does not
   * hold one long transaction. Returns how many went.
   */
  public long prune(Duration keep) {
    long total = 0;
    String delete = dialect() == Dialect.POSTGRESQL
        ? """
            DELETE FROM export_attempts WHERE id IN (
              SELECT id FROM export_attempts WHERE finished_at < now() - make_interval(secs => :secs)
               LIMIT :batch)"""
        : "DELETE FROM export_attempts WHERE finished_at < UTC_TIMESTAMP(6) - INTERVAL :secs SECOND LIMIT :batch";
    for (int round = 0; round < 100; round++) {
      int deleted = jdbi.withHandle(h -> h.createUpdate(delete)
          .bind("secs", (double) keep.toSeconds())
          .bind("batch", PRUNE_BATCH)
          .execute());
      total += deleted;
      if (deleted < PRUNE_BATCH) {
        break;
      }
    }
    return total;
  }

  static Entry entry(ResultSet rs, Dialect dialect) throws SQLException {
    return new Entry(rs.getLong("id"), rs.getString("actor"), new AttemptRecord(
        rs.getLong("order_id"), rs.getString("invoice_number"), rs.getInt("attempt"),
        dialect.instant(rs, "started_at"), dialect.instant(rs, "finished_at"), rs.getString("outcome"),
        (Integer) rs.getObject("http_status"), rs.getString("error"), rs.getString("onec_document_id"),
        rs.getString("onec_document_number"), (Integer) rs.getObject("permit_wait_ms"), traceId(rs)));
  }

  /** trace_id, or null on a schema from before migration V3 (the reads select every column). */
  private static String traceId(ResultSet rs) throws SQLException {
    java.sql.ResultSetMetaData meta = rs.getMetaData();
    for (int i = 1; i <= meta.getColumnCount(); i++) {
      if ("trace_id".equalsIgnoreCase(meta.getColumnLabel(i))) {
        return rs.getString(i);
      }
    }
    return null;
  }
}
