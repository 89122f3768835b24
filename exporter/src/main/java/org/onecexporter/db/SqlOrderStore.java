package org.onecexporter.db;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.onecexporter.domain.InvoiceNumbers;
import org.onecexporter.domain.Order;

/**
 * The order store over JDBC: a {@link Dialect} (counters, timestamps) and an {@link OrderSource} (where the
 * orders are). The invoice number and flag go into the order rows for the reference schema, into our ledger table
 * otherwise. The per-order lock is a lease row in {@code onec_exporter_leases} ({@link Leases}): no session of the
 * database holds it, so an attempt holds a pooled connection only while it reads or writes.
 */
public final class SqlOrderStore implements OrderStore {
  /** How long a lease outlives its holder's last renewal when the caller names no limit. */
  public static final Duration DEFAULT_LEASE_LAPSE = Duration.ofSeconds(30);
  /** A lock held elsewhere is asked for again after this, then after twice as long, up to {@link #MAX_LOCK_POLL}. */
  private static final Duration FIRST_LOCK_POLL = Duration.ofMillis(10);
  private static final Duration MAX_LOCK_POLL = Duration.ofMillis(250);

  private final Jdbi jdbi;
  private final OrderSource source;
  private final Supplier<Dialect> dialect;
  private final Leases leases;
  /** PostgreSQL: {@link JdbcSession#assignInvoiceNumber} under a lease, in one round trip. */
  private final String assignSql;
  /** PostgreSQL: {@link JdbcSession#markExported} under a lease, in one round trip. */
  private final String markSql;

  public SqlOrderStore(Jdbi jdbi, Dialect dialect, OrderSource source) {
    this.jdbi = jdbi;
    this.source = source;
    this.dialect = () -> dialect;
    this.leases = new Leases(jdbi, Leases.processName());
    this.assignSql = assignSql(source.ownLedger());
    this.markSql = markSql(source.ownLedger());
  }

  /** The database is asked which it is on first use (a store made before the database is up still works). */
  public SqlOrderStore(Jdbi jdbi, OrderSource source) {
    this.jdbi = jdbi;
    this.source = source;
    this.dialect = memoize(() -> Dialect.of(jdbi));
    this.leases = new Leases(jdbi, Leases.processName());
    this.assignSql = assignSql(source.ownLedger());
    this.markSql = markSql(source.ownLedger());
  }

  /** A lease's check inside a statement: the row carries this grant's token (parameters: order id, token). */
  private static final String LEASE_IS_MINE =
      "EXISTS (SELECT 1 FROM onec_exporter_leases WHERE order_id = ? AND token = ?)";

  /**
   * The number's transaction under a lease, for {@link PgPipeline}: the row-lock wait; the lease's row locked and
   * read (the fence: a takeover waits for this commit); with our own ledger, its row created; the order's number
   * locked and read (a lapsed holder locks nothing there, so it does not wait for a row lock before it hears that
   * its lease is gone); then the counter's next value and the order's update in one statement, as {@link
   * JdbcSession#assignInvoiceNumber}'s loop does, both only while the lease is this grant's and the order has no
   * number (a number it has is the answer, read by the statement before).
   */
  private static String assignSql(boolean ledger) {
    String table = ledger ? "onec_exporter_ledger" : "orders";
    String key = ledger ? "order_id" : "id";
    return "SELECT set_config('lock_timeout', ?, true);\n"
        + "SELECT token FROM onec_exporter_leases WHERE order_id = ? FOR UPDATE;\n"
        + (ledger ? "INSERT INTO onec_exporter_ledger (order_id) SELECT CAST(? AS bigint) WHERE " + LEASE_IS_MINE
            + " ON CONFLICT (order_id) DO NOTHING;\n" : "")
        + """
          SELECT invoice_number FROM %1$s WHERE %2$s = ? AND %3$s FOR UPDATE;
          WITH c AS (
            INSERT INTO invoice_number_counters (year, last_value)
            SELECT CAST(? AS integer), 1
             WHERE %3$s
               AND EXISTS (SELECT 1 FROM %1$s WHERE %2$s = ? AND invoice_number IS NULL)
            ON CONFLICT (year) DO UPDATE SET last_value = invoice_number_counters.last_value + 1
            RETURNING 'INV-' || invoice_number_counters.year || '-'
              || lpad(last_value::text, greatest(3, length(last_value::text)), '0') AS n)
          UPDATE %1$s SET invoice_number = c.n FROM c WHERE %1$s.%2$s = ? AND %1$s.invoice_number IS NULL
            AND NOT EXISTS (SELECT 1 FROM %1$s taken WHERE taken.invoice_number = c.n)
          RETURNING c.n""".formatted(table, key, LEASE_IS_MINE);
  }

  /**
   * The flag under a lease, for {@link PgPipeline}: the row-lock wait; the lease's row locked and read (the fence);
   * the order flagged only while the lease is this grant's and the order carries the number; the lease's row
   * deleted with the flag when asked; the rows flagged and released.
   */
  private static String markSql(boolean ledger) {
    String table = ledger ? "onec_exporter_ledger" : "orders";
    String key = ledger ? "order_id" : "id";
    return """
        SELECT set_config('lock_timeout', ?, true);
        SELECT token FROM onec_exporter_leases WHERE order_id = ? FOR UPDATE;
        WITH u AS (
          UPDATE %1$s
             SET invoice_exported_to_1c = TRUE,
                 invoice_exported_at = ?,
                 onec_document_id = COALESCE(?, onec_document_id),
                 onec_document_number = COALESCE(?, onec_document_number)
           WHERE %2$s = ? AND invoice_number = ? AND %3$s
          RETURNING 1),
        r AS (
          DELETE FROM onec_exporter_leases
           WHERE ? AND order_id = ? AND token = ? AND EXISTS (SELECT 1 FROM u)
          RETURNING 1)
        SELECT (SELECT count(*) FROM u) AS flagged, (SELECT count(*) FROM r) AS released""".formatted(table, key,
        LEASE_IS_MINE);
  }

  public OrderSource source() {
    return source;
  }

  @Override
  public Dialect dialect() {
    return dialect.get();
  }

  /**
   * Reads no row, but touches every table the source reads (and our ledger when the source keeps one): a database
   * without them throws {@link MissingTablesException} saying what to do, at start-up rather than once per order.
   */
  @Override
  public void requireTables() {
    try {
      Dialect d = dialect.get();
      jdbi.useHandle(h -> {
        source.read(h, d, -1L);
        if (source.ownLedger()) {
          h.createQuery("SELECT order_id FROM onec_exporter_ledger WHERE 1 = 0").mapTo(Long.class).list();
        }
        // The per-order export lock's table: without it every export would fail on our side.
        h.createQuery("SELECT order_id FROM onec_exporter_leases WHERE 1 = 0").mapTo(Long.class).list();
      });
    } catch (RuntimeException e) {
      if (!MissingTablesException.isMissingTable(e)) {
        throw SafeSqlErrors.wrap("checking the order tables", e);
      }
      String advice = source == ReferenceSource.INSTANCE
          ? "create them with 'onec-exporter migrate', or point"
              + " DATABASE_URL at the shop's database and set ORDER_SOURCE to its platform (docs/shops.md)"
          : "check DATABASE_URL (database, schema), SHOP_TABLE_PREFIX, and run 'onec-exporter migrate' for the"
              + " exporter's own ledger table (docs/shops.md)";
      throw new MissingTablesException("the order tables are not in this database: " + SafeSqlErrors.describe(e)
          + "; ORDER_SOURCE=" + source.name() + (source == ReferenceSource.INSTANCE ? " (the default)" : "") + ": "
          + advice, e);
    }
  }

  @Override
  public Session open() {
    Dialect d;
    try {
      d = dialect.get();
    } catch (RuntimeException e) {
      throw SafeSqlErrors.wrap("opening a database session", e);
    }
    return new JdbcSession(d);
  }

  @Override
  public List<Long> candidates(long after, long upTo, int limit, Duration minAge) {
    try {
      Dialect d = dialect.get();
      return jdbi.withHandle(h -> h.createQuery(source.candidatesQuery(d))
          .configure(org.jdbi.v3.core.statement.SqlStatements.class, c -> c.setUnusedBindingAllowed(true))
          .bind("age_us", minAge.toNanos() / 1000)
          .bind("after", Math.max(after, source.candidateFloor(h)))
          .bind("upTo", upTo)
          .bind("limit", limit)
          .mapTo(Long.class)
          .list());
    } catch (RuntimeException e) {
      throw SafeSqlErrors.wrap("listing paid orders", e);
    }
  }

  @Override
  public List<Long> cancelCandidates(long after, long upTo, int limit) {
    try {
      Dialect d = dialect.get();
      String query = source.cancelCandidatesQuery(d);
      if (query == null) {
        return List.of();
      }
      return jdbi.withHandle(h -> h.createQuery(query)
          .configure(org.jdbi.v3.core.statement.SqlStatements.class, c -> c.setUnusedBindingAllowed(true))
          .bind("after", after)
          .bind("upTo", upTo)
          .bind("limit", limit)
          .mapTo(Long.class)
          .list());
    } catch (RuntimeException e) {
      throw SafeSqlErrors.wrap("listing refunded orders", e);
    }
  }

  @Override
  public Optional<OrderState> state(long orderId) {
    Optional<OrderState> state = stateWithoutCancellation(orderId);
    if (state.isEmpty()) {
      return state;
    }
    try {
      return Optional.of(state.get().withCancellation(jdbi.withHandle(h -> readCancellation(h, dialect.get(),
          orderId))));
    } catch (RuntimeException e) {
      throw SafeSqlErrors.wrap("reading the order's cancellation", e);
    }
  }

  private static final String CANCELLATION_SQL = """
      SELECT invoice_cancel_requested_at, invoice_cancelled_at, invoice_cancel_answer
        FROM onec_exporter_ledger WHERE order_id = ?""";

  private static Cancellation readCancellation(Handle h, Dialect d, long orderId) {
    return h.createQuery(CANCELLATION_SQL)
        .bind(0, orderId)
        .map((rs, ctx) -> cancellationRow(rs, d))
        .findOne()
        .orElse(Cancellation.NONE);
  }

  private static Cancellation cancellationRow(java.sql.ResultSet rs, Dialect d) throws java.sql.SQLException {
    return new Cancellation(d.instant(rs, "invoice_cancel_requested_at"), d.instant(rs, "invoice_cancelled_at"),
        rs.getString("invoice_cancel_answer"));
  }

  private Optional<OrderState> stateWithoutCancellation(long orderId) {
    try {
      Dialect d = dialect.get();
      return jdbi.withHandle(h -> {
        if (!source.ownLedger()) {
          return h.createQuery("""
                  SELECT id, status, paid_at, invoice_exported_to_1c, invoice_number, invoice_exported_at,
                         total_amount, onec_document_id, onec_document_number
                    FROM orders WHERE id = :id""")
              .bind("id", orderId)
              .map((rs, ctx) -> new OrderState(rs.getLong("id"), rs.getString("status"),
                  Order.STATUS_PAID.equals(rs.getString("status")), d.instant(rs, "paid_at"),
                  rs.getBoolean("invoice_exported_to_1c"), rs.getString("invoice_number"),
                  d.instant(rs, "invoice_exported_at"), rs.getBigDecimal("total_amount"),
                  rs.getString("onec_document_id"), rs.getString("onec_document_number")))
              .findOne();
        }
        Optional<Order> order = source.read(h, d, orderId);
        if (order.isEmpty()) {
          return Optional.<OrderState>empty();
        }
        Order o = order.get();
        OrderState unrecorded = new OrderState(o.id(), o.status(), Order.STATUS_PAID.equals(o.status()), o.paidAt(),
            false, null, null, o.totalAmount(), null, null);
        return Optional.of(h.createQuery("""
                SELECT invoice_exported_to_1c, invoice_number, invoice_exported_at, onec_document_id,
                       onec_document_number
                  FROM onec_exporter_ledger WHERE order_id = :id""")
            .bind("id", orderId)
            .map((rs, ctx) -> new OrderState(o.id(), o.status(), unrecorded.paid(), o.paidAt(),
                rs.getBoolean("invoice_exported_to_1c"), rs.getString("invoice_number"),
                d.instant(rs, "invoice_exported_at"), o.totalAmount(), rs.getString("onec_document_id"),
                rs.getString("onec_document_number")))
            .findOne()
            .orElse(unrecorded));
      });
    } catch (RuntimeException e) {
      throw SafeSqlErrors.wrap("reading the order's state", e);
    }
  }

  @Override
  public Optional<Long> orderOfInvoice(String invoiceNumber) {
    String table = source.ownLedger() ? "onec_exporter_ledger" : "orders";
    String key = source.ownLedger() ? "order_id" : "id";
    try {
      return jdbi.withHandle(h -> h.createQuery(
              "SELECT " + key + " FROM " + table + " WHERE upper(invoice_number) = :n LIMIT 1")
          .bind("n", invoiceNumber.toUpperCase(java.util.Locale.ROOT))
          .mapTo(Long.class)
          .findOne());
    } catch (RuntimeException e) {
      throw SafeSqlErrors.wrap("finding the order of an invoice number", e);
    }
  }

  /**
   * One attempt's session: a burst of calls (take the lease, read the order, fix its number) runs on one pooled
   * connection, given back by {@link #idle} before the attempt waits for a 1C permit and for 1C's answer; the lock
   * is a lease row and needs no connection in between.
   */
  private final class JdbcSession implements Session {
    private final Dialect d;
    /** The connection of the current burst of reads and writes, given back by {@link #idle} or on a failure. */
    private Handle handle;
    /** The lease this session holds, or null. */
    private Leases.Lease lease;
    /** How long a write waits for a row lock held elsewhere: the lock's own timeout while the session holds one. */
    private Duration rowLockTimeout;
    /**
     * The order and its cancellation as read in the lock's round trip ({@link #takeAndRead}), for this session's
     * next {@link #find} and {@link #cancellation} of that order; each is used once, and dropped by any write.
     */
    private long readWithLock = Long.MIN_VALUE;
    private Optional<Order> orderReadWithLock;
    private Cancellation cancellationReadWithLock;

    JdbcSession(Dialect d) {
      this.d = d;
    }

    @Override
    public void lock(long orderId, Duration timeout, Duration idleLimit) {
      if (lease != null) {
        throw new IllegalStateException("this session already holds the lock of order " + lease.orderId());
      }
      Duration lapse = idleLimit.isPositive() ? idleLimit : DEFAULT_LEASE_LAPSE;
      long deadline = System.nanoTime() + timeout.toNanos();
      long pause = FIRST_LOCK_POLL.toNanos();
      try {
        dropReadAhead();
        while (true) {
          Leases.Lease taken = onHandle(h -> takeAndRead(h, orderId, lapse));
          if (taken != null) {
            lease = taken;
            rowLockTimeout = timeout;
            return;
          }
          long left = deadline - System.nanoTime();
          idle(); // no connection held while the other export runs
          if (left <= 0) {
            throw new StoreException("locking the order failed: its export lock was not free within "
                + timeout.toMillis() + " ms (another export of this order is running)");
          }
          java.util.concurrent.locks.LockSupport.parkNanos(Math.min(pause, left));
          if (Thread.interrupted()) {
            Thread.currentThread().interrupt();
            throw new StoreException("locking the order failed: interrupted while waiting for its export lock");
          }
          pause = Math.min(pause * 2, MAX_LOCK_POLL.toNanos());
        }
      } catch (StoreException e) {
        throw e;
      } catch (RuntimeException e) {
        throw SafeSqlErrors.wrap("locking the order", e);
      }
    }

    /**
     * The order's lease, or null when another holder's is in force. On PostgreSQL, with a source that can read in
     * a pipeline ({@link OrderSource#pipelinedRead}), the order, its lines and its cancellation are read in the
     * grant's round trip (one instead of four; the reads run after the grant, in its transaction, so they see what
     * any earlier holder committed); kept for {@link #find} and {@link #cancellation}. A pipeline that fails is
     * taken again alone, so that a failing read fails where it always did ({@link #find}).
     */
    private Leases.Lease takeAndRead(Handle h, long orderId, Duration lapse) {
      OrderSource.PipelinedRead read = source.ownLedger() ? null : source.pipelinedRead();
      if (d != Dialect.POSTGRESQL || read == null || !PgPipeline.autoCommit(h)) {
        return leases.tryTake(h, d, orderId, lapse);
      }
      long token = Leases.newToken();
      List<Object> params = new java.util.ArrayList<>(List.of(leases.takeParameters(orderId, token, lapse)));
      for (int i = 0; i < read.statements(); i++) {
        params.add(orderId);
      }
      params.add(orderId);
      int last = read.statements() + 1;
      Optional<Order> order;
      Cancellation cancellation;
      try {
        List<List<?>> results = PgPipeline.run(h, Leases.TAKE_POSTGRES + ";\n" + read.sql() + CANCELLATION_SQL,
            i -> i == 0 ? null : i == last ? rs -> cancellationRow(rs, d) : read.rows().apply(i - 1), params.toArray());
        if (results.get(0).isEmpty()) {
          return null;
        }
        order = read.order().apply(results.subList(1, last));
        cancellation = results.get(last).isEmpty() ? Cancellation.NONE : (Cancellation) results.get(last).get(0);
      } catch (RuntimeException e) {
        // The driver reads the rows after the Sync: a row the source's reader refused (a value it cannot map)
        // fails here with the grant committed. That grant goes (unrenewed, it would keep the order locked until
        // it lapsed); the lease is taken alone, and find() reads, and fails, as it always did.
        leases.revoke(h, orderId, token);
        return leases.tryTake(h, d, orderId, lapse);
      }
      Leases.Lease taken = leases.granted(d, orderId, token, lapse);
      readWithLock = orderId;
      orderReadWithLock = order;
      cancellationReadWithLock = cancellation;
      return taken;
    }

    private void dropReadAhead() {
      readWithLock = Long.MIN_VALUE;
      orderReadWithLock = null;
      cancellationReadWithLock = null;
    }

    @Override
    public void unlock(long orderId) {
      dropReadAhead();
      Leases.Lease held = lease;
      if (held == null || held.orderId() != orderId) {
        return;
      }
      lease = null;
      rowLockTimeout = null;
      // Renewals stop first, without a connection: when the database cannot be reached now (a restart), the row
      // is left to lapse; renewing it on until the database is back would keep the order locked for ever.
      held.stopRenewing();
      try {
        onHandle(h -> {
          leases.giveBack(h, held);
          return null;
        });
      } catch (RuntimeException e) {
        throw SafeSqlErrors.wrap("unlocking the order", e);
      }
    }

    @Override
    public Optional<Order> find(long orderId) {
      if (readWithLock == orderId && orderReadWithLock != null) {
        Optional<Order> read = orderReadWithLock;
        orderReadWithLock = null;
        return read;
      }
      try {
        return onHandle(handle -> {
          Optional<Order> order = source.read(handle, d, orderId);
          if (order.isEmpty() || !source.ownLedger()) {
            return order;
          }
          Order o = order.get();
          return Optional.of(handle.createQuery("""
                  SELECT invoice_number, invoice_exported_to_1c, invoice_exported_at
                    FROM onec_exporter_ledger WHERE order_id = :id""")
              .bind("id", orderId)
              .map((rs, ctx) -> new Order(o.id(), o.status(), o.customerName(), o.customerPhone(),
                  o.customerAddress(), o.deliveryCost(), o.paidAt(), rs.getBoolean("invoice_exported_to_1c"),
                  rs.getString("invoice_number"), d.instant(rs, "invoice_exported_at"), o.totalAmount(), o.items()))
              .findOne()
              .orElse(o));
        });
      } catch (RuntimeException e) {
        throw SafeSqlErrors.wrap("reading the order", e);
      }
    }

    @Override
    public String assignInvoiceNumber(long orderId, int year) {
      String table = source.ownLedger() ? "onec_exporter_ledger" : "orders";
      String key = source.ownLedger() ? "order_id" : "id";
      try {
        Leases.Lease held = heldFor(orderId);
        if (d == Dialect.POSTGRESQL && held != null) {
          String number = onHandle(h -> PgPipeline.autoCommit(h) ? assignPipelined(h, orderId, year, held) : null);
          if (number != null) {
            return number;
          } // else the year's next number was taken by hand: the loop below skips it
        }
        return write(orderId, tx -> {
          if (source.ownLedger()) {
            // The ledger row is ours to create; a concurrent creator makes this wait, then find its row.
            tx.createUpdate(d == Dialect.POSTGRESQL
                    ? "INSERT INTO onec_exporter_ledger (order_id) VALUES (:id) ON CONFLICT (order_id) DO NOTHING"
                    : "INSERT INTO onec_exporter_ledger (order_id) VALUES (:id)"
                        + " ON DUPLICATE KEY UPDATE order_id = order_id")
                .bind("id", orderId)
                .execute();
          }
          List<Optional<String>> row = tx.createQuery(
                  "SELECT invoice_number FROM " + table + " WHERE " + key + " = :id FOR UPDATE")
              .bind("id", orderId)
              .map((rs, ctx) -> Optional.ofNullable(rs.getString(1)))
              .list();
          if (row.isEmpty()) {
            throw new StoreException("order " + orderId + " disappeared");
          }
          if (row.get(0).isPresent()) {
            return row.get(0).get();
          }
          // A number a shop wrote by hand may already be taken: skip it rather than fail on the UNIQUE constraint.
          if (d == Dialect.POSTGRESQL) {
            return assignNextNumber(tx, table, key, orderId, year);
          }
          for (int tries = 0; tries < 1000; tries++) {
            String number = InvoiceNumbers.format(year, nextCounter(tx, year));
            boolean taken = tx.createQuery("SELECT COUNT(*) FROM " + table + " WHERE invoice_number = :n")
                .bind("n", number)
                .mapTo(Long.class)
                .one() > 0;
            if (!taken) {
              tx.createUpdate("UPDATE " + table + " SET invoice_number = :n WHERE " + key + " = :id")
                  .bind("n", number)
                  .bind("id", orderId)
                  .execute();
              return number;
            }
          }
          throw new StoreException("no free invoice number for year " + year);
        });
      } catch (RuntimeException e) {
        throw SafeSqlErrors.wrap("assigning the invoice number", e);
      }
    }

    /** The lease this session holds on {@code orderId}, or null. */
    private Leases.Lease heldFor(long orderId) {
      return lease != null && lease.orderId() == orderId ? lease : null;
    }

    /**
     * PostgreSQL under the order's lease: the number's transaction in one round trip ({@link PgPipeline}, {@link
     * #assignSql}). Its writes happen only while the lease is this session's, and only for an order without a
     * number. Returns the order's number, or null when the year's next one was taken (a number the shop set by
     * hand): the caller's loop skips it.
     */
    private String assignPipelined(Handle h, long orderId, int year, Leases.Lease held) {
      dropReadAhead();
      boolean ledger = source.ownLedger();
      List<Object> params = new java.util.ArrayList<>(List.of(rowLockTimeout.toMillis() + "ms", orderId));
      if (ledger) {
        params.addAll(List.of(orderId, orderId, held.token()));
      }
      params.addAll(List.of(orderId, orderId, held.token(), year, orderId, held.token(), orderId, orderId));
      List<List<Object[]>> results = PgPipeline.run(h, assignSql, params.toArray());
      if (!isHolder(results.get(1), held)) {
        throw Leases.lost(held);
      }
      List<Object[]> current = results.get(ledger ? 3 : 2);
      if (current.isEmpty()) {
        throw new StoreException("order " + orderId + " disappeared");
      }
      if (current.get(0)[0] != null) {
        return (String) current.get(0)[0];
      }
      List<Object[]> assigned = results.get(results.size() - 1);
      return assigned.isEmpty() ? null : (String) assigned.get(0)[0];
    }

    /**
     * PostgreSQL: the counter's next value, the check that no order carries it yet and the order's update in one
     * statement, the last of the transaction. The counter row stays locked from this statement to the commit (every
     * export of the fleet waits for it), so it is held for two round trips instead of four (the increment, the
     * check, the update, the commit): on a busy database the lock's queue, not the work, had set the pace (51 ms
     * a number on average at 16 exports in flight on 2 cores). The number is {@link InvoiceNumbers#format} in SQL;
     * a number that is taken is skipped as before (the next statement takes the next value).
     */
    private String assignNextNumber(Handle tx, String table, String key, long orderId, int year) {
      for (int tries = 0; tries < 1000; tries++) {
        Optional<String> number = tx.createQuery("""
                WITH c AS (
                  INSERT INTO invoice_number_counters (year, last_value) VALUES (:year, 1)
                  ON CONFLICT (year) DO UPDATE SET last_value = invoice_number_counters.last_value + 1
                  RETURNING 'INV-' || CAST(:year AS integer) || '-'
                    || lpad(last_value::text, greatest(3, length(last_value::text)), '0') AS n)
                UPDATE %1$s SET invoice_number = c.n FROM c WHERE %1$s.%2$s = :id
                  AND NOT EXISTS (SELECT 1 FROM %1$s taken WHERE taken.invoice_number = c.n)
                RETURNING c.n""".formatted(table, key))
            .bind("year", year)
            .bind("id", orderId)
            .mapTo(String.class)
            .findOne();
        if (number.isPresent()) {
          return number.get();
        }
      }
      throw new StoreException("no free invoice number for year " + year);
    }

    private long nextCounter(Handle tx, int year) {
      if (d == Dialect.POSTGRESQL) {
        return tx.createQuery("""
                INSERT INTO invoice_number_counters (year, last_value) VALUES (:year, 1)
                ON CONFLICT (year) DO UPDATE SET last_value = invoice_number_counters.last_value + 1
                RETURNING last_value""")
            .bind("year", year)
            .mapTo(Long.class)
            .one();
      }
      // The upsert holds the counter row's lock until commit; the read sees this transaction's own write.
      tx.createUpdate("""
              INSERT INTO invoice_number_counters (year, last_value) VALUES (:year, 1)
              ON DUPLICATE KEY UPDATE last_value = last_value + 1""")
          .bind("year", year)
          .execute();
      return tx.createQuery("SELECT last_value FROM invoice_number_counters WHERE year = :year")
          .bind("year", year)
          .mapTo(Long.class)
          .one();
    }

    @Override
    public void markExported(long orderId, String invoiceNumber, Instant exportedAt, String documentId,
        String documentNumber) {
      mark(orderId, invoiceNumber, exportedAt, documentId, documentNumber, null);
    }

    /** The flag and the lease's release in one transaction: the lease row goes with the flag's commit. */
    @Override
    public void markExportedAndUnlock(long orderId, String invoiceNumber, Instant exportedAt, String documentId,
        String documentNumber) {
      Leases.Lease held = lease != null && lease.orderId() == orderId ? lease : null;
      mark(orderId, invoiceNumber, exportedAt, documentId, documentNumber, held);
      if (held != null) {
        lease = null;
        rowLockTimeout = null;
        held.stopRenewing();
      }
    }

    /** Sets the flag; with {@code release}, deletes that lease in the same transaction once the flag is set. */
    private void mark(long orderId, String invoiceNumber, Instant exportedAt, String documentId,
        String documentNumber, Leases.Lease release) {
      String table = source.ownLedger() ? "onec_exporter_ledger" : "orders";
      String key = source.ownLedger() ? "order_id" : "id";
      int rows;
      try {
        Leases.Lease held = heldFor(orderId);
        Integer marked = d == Dialect.POSTGRESQL && held != null
            ? onHandle(h -> PgPipeline.autoCommit(h) ? markPipelined(h, orderId, invoiceNumber, exportedAt, documentId,
                documentNumber, held, release != null) : null)
            : null;
        rows = marked != null ? marked : write(orderId, tx -> {
          int updated = markRow(tx, table, key, orderId, invoiceNumber, exportedAt, documentId, documentNumber);
          if (updated == 1 && release != null) {
            leases.delete(tx, release);
          }
          return updated;
        });
      } catch (RuntimeException e) {
        throw SafeSqlErrors.wrap("recording the export", e);
      }
      if (rows != 1) {
        throw new StoreException(
            "Order " + orderId + " no longer carries invoice number " + invoiceNumber + "; flag not set");
      }
    }

    /**
     * PostgreSQL under the order's lease: the flag (and with {@code release} the lease's release) in one round
     * trip ({@link PgPipeline}, {@link #markSql}); written only while the lease is this session's, the lease
     * released only with the flag. Returns the rows flagged.
     */
    private int markPipelined(Handle h, long orderId, String invoiceNumber, Instant exportedAt, String documentId,
        String documentNumber, Leases.Lease held, boolean release) {
      dropReadAhead();
      List<List<Object[]>> results = PgPipeline.run(h, markSql, rowLockTimeout.toMillis() + "ms", orderId,
          d.timestamp(exportedAt), documentId, documentNumber, orderId, invoiceNumber, orderId, held.token(),
          release, orderId, held.token());
      if (!isHolder(results.get(1), held)) {
        throw Leases.lost(held);
      }
      return ((Number) results.get(2).get(0)[0]).intValue();
    }

    private static boolean isHolder(List<Object[]> leaseRow, Leases.Lease held) {
      return !leaseRow.isEmpty() && leaseRow.get(0)[0] instanceof Number token && token.longValue() == held.token();
    }

    private int markRow(Handle tx, String table, String key, long orderId, String invoiceNumber, Instant exportedAt,
        String documentId, String documentNumber) {
      return tx.createUpdate("UPDATE " + table + """
                 SET invoice_exported_to_1c = TRUE,
                     invoice_exported_at = :at,
                     onec_document_id = COALESCE(:docId, onec_document_id),
                     onec_document_number = COALESCE(:docNumber, onec_document_number)
               WHERE\s""" + key + " = :id AND invoice_number = :n")
            .bind("at", d.timestamp(exportedAt))
            .bind("docId", documentId)
            .bind("docNumber", documentNumber)
            .bind("id", orderId)
            .bind("n", invoiceNumber)
            .execute();
    }

    /**
     * Runs {@code work} in a transaction of its own on a pooled connection. While this session holds the order's
     * lease, the transaction first locks the lease's row and checks that it still carries this session's token
     * (a holder whose lease lapsed and was taken over writes nothing; a takeover waits for this commit), and row
     * locks held elsewhere are waited for at most the lock's timeout.
     */
    private <T> T write(long orderId, org.jdbi.v3.core.HandleCallback<T, RuntimeException> work) {
      dropReadAhead();
      Leases.Lease held = lease != null && lease.orderId() == orderId ? lease : null;
      Duration wait = held == null ? null : rowLockTimeout;
      return onHandle(handle -> {
        if (wait != null && d == Dialect.MYSQL) {
          handle.execute("SET SESSION innodb_lock_wait_timeout = " + Math.max(1, ceilSeconds(wait)));
        }
        RuntimeException failed = null;
        try {
          return handle.inTransaction(tx -> {
            if (held != null) {
              leases.fence(tx, d, held, wait);
            }
            return work.withHandle(tx);
          });
        } catch (RuntimeException e) {
          failed = e;
          throw e;
        } finally {
          if (wait != null && d == Dialect.MYSQL) {
            try {
              handle.execute("SET SESSION innodb_lock_wait_timeout = DEFAULT");
            } catch (RuntimeException e) {
              if (failed == null) {
                throw e; // onHandle gives the connection back
              } // else the write's own failure is the one to report
            }
          }
        }
      });
    }

    /**
     * {@code work} on the connection of the current burst, borrowed from the pool if there is none; a failure gives
     * it back (it may be broken), so that the next call borrows another.
     */
    private <T> T onHandle(org.jdbi.v3.core.HandleCallback<T, RuntimeException> work) {
      if (handle == null) {
        handle = jdbi.open();
      }
      try {
        return work.withHandle(handle);
      } catch (RuntimeException | Error e) {
        idle();
        throw e;
      }
    }

    @Override
    public void idle() {
      dropReadAhead();
      Handle h = handle;
      handle = null;
      if (h != null) {
        try {
          h.close();
        } catch (RuntimeException e) {
          // A broken connection: the pool drops it.
        }
      }
    }

    @Override
    public Cancellation cancellation(long orderId) {
      if (readWithLock == orderId && cancellationReadWithLock != null) {
        Cancellation read = cancellationReadWithLock;
        cancellationReadWithLock = null;
        return read;
      }
      try {
        // On the burst's connection: a second one borrowed while the burst holds its own deadlocks a small pool
        // once every attempt holds one and waits for another.
        return onHandle(handle -> readCancellation(handle, d, orderId));
      } catch (RuntimeException e) {
        throw SafeSqlErrors.wrap("reading the order's cancellation", e);
      }
    }

    @Override
    public void requestCancel(long orderId, Instant at) {
      try {
        // Fenced by the order's lease like every write of an attempt: a holder whose lease lapsed writes nothing.
        write(orderId, tx -> {
          tx.createUpdate(d == Dialect.POSTGRESQL
                  ? "INSERT INTO onec_exporter_ledger (order_id) VALUES (:id) ON CONFLICT (order_id) DO NOTHING"
                  : "INSERT INTO onec_exporter_ledger (order_id) VALUES (:id) ON DUPLICATE KEY UPDATE order_id = order_id")
              .bind("id", orderId)
              .execute();
          return tx.createUpdate("""
                  UPDATE onec_exporter_ledger SET invoice_cancel_requested_at = :at
                   WHERE order_id = :id AND invoice_cancel_requested_at IS NULL""")
              .bind("at", d.timestamp(at))
              .bind("id", orderId)
              .execute();
        });
      } catch (RuntimeException e) {
        throw SafeSqlErrors.wrap("recording the cancel request", e);
      }
    }

    @Override
    public void recordCancel(long orderId, Instant cancelledAt, String answer) {
      try {
        int rows = write(orderId, tx -> cancelledAt == null
            ? tx.createUpdate("UPDATE onec_exporter_ledger SET invoice_cancel_answer = :answer WHERE order_id = :id")
                .bind("answer", answer)
                .bind("id", orderId)
                .execute()
            : tx.createUpdate("""
                    UPDATE onec_exporter_ledger
                       SET invoice_cancelled_at = :at, invoice_cancel_answer = :answer
                     WHERE order_id = :id""")
                .bind("at", d.timestamp(cancelledAt))
                .bind("answer", answer)
                .bind("id", orderId)
                .execute());
        if (rows != 1) {
          throw new StoreException("order " + orderId + " has no cancel request in the ledger");
        }
      } catch (RuntimeException e) {
        throw SafeSqlErrors.wrap("recording the cancellation", e);
      }
    }

    @Override
    public void close() {
      try {
        if (lease != null) {
          unlock(lease.orderId());
        }
      } catch (RuntimeException e) {
        // The lease lapses on its own once nobody renews it.
      } finally {
        idle();
      }
    }
  }

  private static long ceilSeconds(Duration d) {
    return (d.toMillis() + 999) / 1000;
  }

  private static <T> Supplier<T> memoize(Supplier<T> supplier) {
    return new Supplier<>() {
      private volatile T value;

      @Override
      public T get() {
        T v = value;
        if (v == null) {
          synchronized (this) {
            v = value;
            if (v == null) {
              v = supplier.get();
              value = v;
            }
          }
        }
        return v;
      }
    };
  }
}
