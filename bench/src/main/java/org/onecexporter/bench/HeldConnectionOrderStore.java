package org.onecexporter.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.onecexporter.db.Dialect;
import org.onecexporter.db.OrderStore;
import org.onecexporter.db.ReferenceSource;
import org.onecexporter.db.SqlOrderStore;
import org.onecexporter.domain.InvoiceNumbers;
import org.onecexporter.domain.Order;

/**
 * The design before issue 23, kept for {@code bench e2e --lock held} only (the reference schema on PostgreSQL): a
 * session takes a pooled connection when it opens and keeps it until it closes, holding a session-scoped advisory
 * lock on the order on it, so that an attempt holds a connection through the 1C permit wait and the whole call. Its
 * statements are those of SqlOrderStore at commit e972617, minus the idle limit; the rest goes to the real store.
 */
final class HeldConnectionOrderStore implements OrderStore {
  private final Jdbi jdbi;
  private final SqlOrderStore store;

  HeldConnectionOrderStore(Jdbi jdbi) {
    this.jdbi = jdbi;
    this.store = new SqlOrderStore(jdbi, Dialect.POSTGRESQL, ReferenceSource.INSTANCE);
  }

  @Override
  public Session open() {
    Handle handle = jdbi.open();
    return new Session() {
      @Override
      public void lock(long orderId, Duration timeout, Duration idleLimit) {
        handle.createQuery("SELECT set_config('lock_timeout', :lock, false)")
            .bind("lock", timeout.toMillis() + "ms").mapTo(String.class).one();
        handle.createQuery("SELECT pg_advisory_lock(28, :key)").bind("key", (int) (orderId ^ (orderId >>> 32)))
            .mapTo(String.class).one();
      }

      @Override
      public void unlock(long orderId) {
        handle.createQuery("SELECT pg_advisory_unlock(28, :key), set_config('lock_timeout', '0', false)")
            .bind("key", (int) (orderId ^ (orderId >>> 32))).mapToMap().one();
      }

      @Override
      public Optional<Order> find(long orderId) {
        return ReferenceSource.INSTANCE.read(handle, Dialect.POSTGRESQL, orderId);
      }

      @Override
      public String assignInvoiceNumber(long orderId, int year) {
        return handle.inTransaction(tx -> {
          List<Optional<String>> row = tx.createQuery("SELECT invoice_number FROM orders WHERE id = :id FOR UPDATE")
              .bind("id", orderId).map((rs, ctx) -> Optional.ofNullable(rs.getString(1))).list();
          if (row.get(0).isPresent()) {
            return row.get(0).get();
          }
          while (true) {
            long n = tx.createQuery("""
                    INSERT INTO invoice_number_counters (year, last_value) VALUES (:year, 1)
                    ON CONFLICT (year) DO UPDATE SET last_value = invoice_number_counters.last_value + 1
                    RETURNING last_value""").bind("year", year).mapTo(Long.class).one();
            String number = InvoiceNumbers.format(year, n);
            if (tx.createQuery("SELECT COUNT(*) FROM orders WHERE invoice_number = :n").bind("n", number)
                .mapTo(Long.class).one() == 0) {
              tx.createUpdate("UPDATE orders SET invoice_number = :n WHERE id = :id").bind("n", number)
                  .bind("id", orderId).execute();
              return number;
            }
          }
        });
      }

      @Override
      public void markExported(long orderId, String invoiceNumber, Instant exportedAt, String documentId,
          String documentNumber) {
        int rows = handle.inTransaction(tx -> tx.createUpdate("""
                UPDATE orders SET invoice_exported_to_1c = TRUE, invoice_exported_at = :at,
                       onec_document_id = COALESCE(:docId, onec_document_id),
                       onec_document_number = COALESCE(:docNumber, onec_document_number)
                 WHERE id = :id AND invoice_number = :n""")
            .bind("at", java.sql.Timestamp.from(exportedAt)).bind("docId", documentId)
            .bind("docNumber", documentNumber).bind("id", orderId).bind("n", invoiceNumber).execute());
        if (rows != 1) {
          throw new StoreException("Order " + orderId + " no longer carries invoice number " + invoiceNumber);
        }
      }

      /** The export's one read of the ledger (issue 24), on the held connection as every read here. */
      @Override
      public Cancellation cancellation(long orderId) {
        return handle.createQuery("""
                SELECT invoice_cancel_requested_at, invoice_cancelled_at, invoice_cancel_answer
                  FROM onec_exporter_ledger WHERE order_id = :id""")
            .bind("id", orderId)
            .map((rs, ctx) -> new Cancellation(Dialect.POSTGRESQL.instant(rs, "invoice_cancel_requested_at"),
                Dialect.POSTGRESQL.instant(rs, "invoice_cancelled_at"), rs.getString("invoice_cancel_answer")))
            .findOne().orElse(Cancellation.NONE);
      }

      @Override
      public void requestCancel(long orderId, Instant at) {
        throw new UnsupportedOperationException("the benchmark's baseline store exports only");
      }

      @Override
      public void recordCancel(long orderId, Instant cancelledAt, String answer) {
        throw new UnsupportedOperationException("the benchmark's baseline store exports only");
      }

      @Override
      public void close() {
        handle.close();
      }
    };
  }

  @Override
  public List<Long> cancelCandidates(long after, long upTo, int limit) {
    return store.cancelCandidates(after, upTo, limit);
  }

  @Override
  public List<Long> candidates(long after, long upTo, int limit, Duration minAge) {
    return store.candidates(after, upTo, limit, minAge);
  }

  @Override
  public Optional<OrderState> state(long orderId) {
    return store.state(orderId);
  }

  @Override
  public Optional<Long> orderOfInvoice(String invoiceNumber) {
    return store.orderOfInvoice(invoiceNumber);
  }

  @Override
  public void requireTables() {
    store.requireTables();
  }

  @Override
  public Dialect dialect() {
    return Dialect.POSTGRESQL;
  }
}
