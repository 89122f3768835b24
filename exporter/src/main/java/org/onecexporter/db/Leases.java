package org.onecexporter.db;

import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-order export lock as a lease row in {@code onec_exporter_leases}: taken and given back in one statement
 * each, on the caller's connection of the moment, so that no database session stays open for the lock (an attempt
 * waiting for a 1C permit or for 1C's answer holds no connection).
 *
 * <ul>
 *   <li>One holder at a time: the row is inserted, or taken over only once its {@code expires_at} has passed on the
 *       database's clock (the holders' clocks do not matter).</li>
 *   <li>It lapses {@code lapse} after its last renewal. This process renews every lease it holds every third of
 *       that, each renewal on a connection of its own, while the lease is held: a holder killed (kill -9), frozen, or
 *       cut off from the database stops renewing, and the order is free again within {@code lapse}.</li>
 *   <li>Each grant carries a random token (the fencing token). A holder's write first locks the lease row and
 *       checks that it still carries its token ({@link #fence}), in the write's own transaction: a holder whose
 *       lease lapsed and was taken over writes nothing, and a takeover waits for a write in progress to commit.</li>
 *   <li>Given back, the row is deleted (only by the grant that holds it): the table holds the leases in force, a
 *       few rows at most.</li>
 * </ul>
 */
final class Leases {
  private static final Logger LOG = LoggerFactory.getLogger(Leases.class);
  private static final SecureRandom TOKENS = new SecureRandom();
  /** Renewals of every store in this process: one timer thread, each renewal on a virtual thread of its own. */
  private static final ScheduledExecutorService RENEWALS = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().daemon().name("order-lease-renewal").factory());

  /** A lease this process holds. */
  record Lease(long orderId, long token, Duration lapse, Map<Long, ScheduledFuture<?>> renewals) {
    void stopRenewing() {
      ScheduledFuture<?> renewal = renewals.remove(token);
      if (renewal != null) {
        renewal.cancel(false);
      }
    }
  }

  private final Jdbi jdbi;
  private final String holder;
  /** The renewal of each lease held, by token. */
  private final Map<Long, ScheduledFuture<?>> renewals = new ConcurrentHashMap<>();

  Leases(Jdbi jdbi, String holder) {
    this.jdbi = jdbi;
    this.holder = holder.length() > 255 ? holder.substring(0, 255) : holder;
  }

  /** {@code host:pid} of this process, as an operator finds it in {@code onec_exporter_leases.holder}. */
  static String processName() {
    String name = ManagementFactory.getRuntimeMXBean().getName(); // pid@host
    int at = name.indexOf('@');
    return at < 0 ? name : name.substring(at + 1) + ":" + name.substring(0, at);
  }

  /**
   * The order's lease, now, or null when another holder's lease is in force; on {@code h}, the caller's
   * connection. Renewed (on connections of its own) until given back.
   */
  Lease tryTake(Handle h, Dialect d, long orderId, Duration lapse) {
    long token = newToken();
    long lapseMicros = lapse.toNanos() / 1000;
    boolean taken = taken(h, d, orderId, token, lapseMicros);
    return taken ? granted(d, orderId, token, lapse) : null;
  }

  static long newToken() {
    return TOKENS.nextLong();
  }

  /**
   * PostgreSQL: the lease's grant as one statement (parameters: {@link #takeParameters}), returning a row (the
   * token) only when it was granted. For {@link #tryTake}, and for a pipeline that reads the order with it.
   */
  static final String TAKE_POSTGRES = """
      INSERT INTO onec_exporter_leases AS l (order_id, token, holder, expires_at)
      VALUES (?, ?, ?, now() + make_interval(secs => ? / 1000000.0))
      ON CONFLICT (order_id) DO UPDATE
         SET token = EXCLUDED.token, holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
       WHERE l.expires_at < now()
      RETURNING token""";

  Object[] takeParameters(long orderId, long token, Duration lapse) {
    return new Object[] {orderId, token, holder, lapse.toNanos() / 1000};
  }

  /** The lease granted by {@link #TAKE_POSTGRES} or {@link #tryTake}: renewed from now on until given back. */
  Lease granted(Dialect d, long orderId, long token, Duration lapse) {
    Lease lease = new Lease(orderId, token, lapse, renewals);
    long every = Math.max(1, lapse.toMillis() / 3);
    renewals.put(token, RENEWALS.scheduleWithFixedDelay(
        () -> Thread.ofVirtual().name("order-lease-renewal-" + orderId).start(() -> renew(d, lease)),
        every, every, TimeUnit.MILLISECONDS));
    return lease;
  }

  private boolean taken(Handle h, Dialect d, long orderId, long token, long lapseMicros) {
    {
      if (d == Dialect.POSTGRESQL) {
        return h.createQuery(TAKE_POSTGRES)
            .bind(0, orderId).bind(1, token).bind(2, holder).bind(3, lapseMicros)
            .mapTo(Long.class).findOne().isPresent();
      }
      // MariaDB/MySQL assign left to right: expires_at goes last, so the conditions before it see the old value.
      h.createUpdate("""
              INSERT INTO onec_exporter_leases (order_id, token, holder, expires_at)
              VALUES (:id, :token, :holder, UTC_TIMESTAMP(6) + INTERVAL :lapse_us MICROSECOND)
              ON DUPLICATE KEY UPDATE
                 token = IF(expires_at < UTC_TIMESTAMP(6), VALUES(token), token),
                 holder = IF(expires_at < UTC_TIMESTAMP(6), VALUES(holder), holder),
                 expires_at = IF(expires_at < UTC_TIMESTAMP(6), VALUES(expires_at), expires_at)""")
          .bind("id", orderId).bind("token", token).bind("holder", holder).bind("lapse_us", lapseMicros)
          .execute();
      return h.createQuery("SELECT token FROM onec_exporter_leases WHERE order_id = :id")
          .bind("id", orderId).mapTo(Long.class).findOne().orElse(0L) == token;
    }
  }

  /** Gives the lease back (deletes its row when it still carries this grant's token), on {@code h}. */
  void giveBack(Handle h, Lease lease) {
    lease.stopRenewing();
    delete(h, lease);
  }

  /** Deletes the row of a grant this process made but never took up (no renewals were scheduled for it). */
  void revoke(Handle h, long orderId, long token) {
    h.createUpdate("DELETE FROM onec_exporter_leases WHERE order_id = :id AND token = :token")
        .bind("id", orderId).bind("token", token).execute();
  }

  /** Deletes the lease's row (in the caller's transaction, if any); its renewals go on until stopped. */
  void delete(Handle h, Lease lease) {
    revoke(h, lease.orderId(), lease.token());
  }

  /**
   * In a write's transaction: locks the lease's row and checks that it is still this grant's; throws, and the
   * transaction writes nothing, when the lease lapsed and another holder took it (or it is gone). With {@code
   * rowLockWait} (PostgreSQL) the transaction waits at most that long for any row lock after this.
   */
  void fence(Handle tx, Dialect d, Lease lease, Duration rowLockWait) {
    Long token;
    if (d == Dialect.POSTGRESQL && rowLockWait != null) {
      token = tx.createQuery("""
              SELECT set_config('lock_timeout', :wait, true) AS t,
                     (SELECT token FROM onec_exporter_leases WHERE order_id = :id FOR UPDATE) AS token""")
          .bind("wait", rowLockWait.toMillis() + "ms").bind("id", lease.orderId())
          .map((rs, ctx) -> {
            long t = rs.getLong("token");
            return rs.wasNull() ? null : t;
          }).one();
    } else {
      token = tx.createQuery("SELECT token FROM onec_exporter_leases WHERE order_id = :id FOR UPDATE")
          .bind("id", lease.orderId()).mapTo(Long.class).findOne().orElse(null);
    }
    if (token == null || token != lease.token()) {
      throw lost(lease);
    }
  }

  /** The lease lapsed and another holder took it (or it is gone): renewals stop; the caller writes nothing. */
  static OrderStore.StoreException lost(Lease lease) {
    lease.stopRenewing();
    return new OrderStore.StoreException("the order's export lock was lost: it lapsed (not renewed for "
        + lease.lapse().toMillis() + " ms) and another export took it; nothing written");
  }

  private void renew(Dialect d, Lease lease) {
    try {
      int rows = jdbi.withHandle(h -> h.createUpdate(d == Dialect.POSTGRESQL
              ? "UPDATE onec_exporter_leases SET expires_at = now() + make_interval(secs => :lapse_us / 1000000.0)"
                  + " WHERE order_id = :id AND token = :token"
              : "UPDATE onec_exporter_leases SET expires_at = UTC_TIMESTAMP(6) + INTERVAL :lapse_us MICROSECOND"
                  + " WHERE order_id = :id AND token = :token")
          .bind("lapse_us", lease.lapse().toNanos() / 1000).bind("id", lease.orderId()).bind("token", lease.token())
          .execute());
      if (rows == 0 && renewals.containsKey(lease.token())) { // not given back meanwhile
        lease.stopRenewing();
        LOG.warn("the export lock of order {} lapsed and was taken by another export; this attempt's writes will"
            + " be refused", lease.orderId());
      }
    } catch (RuntimeException e) {
      // The database out of reach: the lease lapses unless a later renewal gets through.
      LOG.debug("renewing the export lock of order {} failed: {}", lease.orderId(),
          SafeSqlErrors.describe(e));
    }
  }
}
