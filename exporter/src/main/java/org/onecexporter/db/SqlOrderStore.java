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

  public SqlOrderStore(Jdbi jdbi, Dialect dialect, OrderSource source) {
    this.jdbi = jdbi;
    this.source = source;
    this.dialect = () -> dialect;
    this.leases = new Leases(jdbi, Leases.processName());
  }

  /** The database is asked which it is on first use (a store made before the database is up still works). */
  public SqlOrderStore(Jdbi jdbi, OrderSource source) {
    this.jdbi = jdbi;
    this.source = source;
    this.dialect = memoize(() -> Dialect.of(jdbi));
    this.leases = new Leases(jdbi, Leases.processName());
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

  private static Cancellation readCancellation(Handle h, Dialect d, long orderId) {
    return h.createQuery("""
            SELECT invoice_cancel_requested_at, invoice_cancelled_at, invoice_cancel_answer
              FROM onec_exporter_ledger WHERE order_id = :id""")
        .bind("id", orderId)
        .map((rs, ctx) -> new Cancellation(d.instant(rs, "invoice_cancel_requested_at"),
            d.instant(rs, "invoice_cancelled_at"), rs.getString("invoice_cancel_answer")))
        .findOne()
        .orElse(Cancellation.NONE);
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
        while (true) {
          Leases.Lease taken = onHandle(h -> leases.tryTake(h, d, orderId, lapse));
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

    @Override
    public void unlock(long orderId) {
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
        rows = write(orderId, tx -> {
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
