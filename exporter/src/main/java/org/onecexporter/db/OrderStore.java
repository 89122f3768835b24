package org.onecexporter.db;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.onecexporter.domain.Order;

/**
 * Everything the exporter does with the shop's database, whatever the database (PostgreSQL, MariaDB, MySQL) and
 * whatever lays out the orders (our reference schema, WooCommerce, OpenCart, configured queries). Every
 * implementation keeps the same promises, checked by one contract test suite against each real server:
 * <ul>
 *   <li>one invoice number per order, however many exports of it run at once;</li>
 *   <li>an order's export lock is held by one session at a time, while the session holds a database connection
 *       only for each read or write; it goes when the session gives it back, and lapses when its holder stops
 *       renewing it (a process killed, frozen, or cut off from the database); a session whose lock lapsed and was
 *       taken by another writes nothing;</li>
 *   <li>no row data (names, phones, addresses) in the text of any error it throws;</li>
 *   <li>every call is bounded in time: lock waits by the caller's timeout, everything else by the pool's
 *       connect and socket timeouts.</li>
 * </ul>
 */
public interface OrderStore {
  /**
   * One export attempt's session: the lock, the reads and the writes. Its calls borrow a pooled connection and keep
   * it for the next call until {@link Session#idle} or {@link Session#close}: a burst of reads and writes runs on
   * one connection, and none is held while the attempt waits (for 1C, for the lock).
   */
  Session open();

  /**
   * Paid orders without an exported invoice, paid at least {@code minAge} ago (or with no payment time), with
   * {@code after < id <= upTo}, by id, at most {@code limit}: the reconciler walks them with a cursor.
   */
  List<Long> candidates(long after, long upTo, int limit, Duration minAge);

  /**
   * Orders whose invoice is to be cancelled in 1C: refunded or cancelled after payment, with an invoice number
   * fixed (so 1C has, or may have, the invoice: a timed-out create may have been executed), the cancellation
   * neither done nor refused; {@code after < id <= upTo}, by id, at most {@code limit}. Empty when the source
   * cannot list them ({@code ORDER_SOURCE=sql} without {@code ORDER_SQL_CANCELLED_IDS}).
   */
  List<Long> cancelCandidates(long after, long upTo, int limit);

  /**
   * What the shop and the exporter's records say about an order, read only and without personal data (for
   * {@code status} and the console); empty when the shop has no such order.
   */
  Optional<OrderState> state(long orderId);

  /** The order carrying {@code invoiceNumber} (letter case ignored), if any. */
  Optional<Long> orderOfInvoice(String invoiceNumber);

  /**
   * Throws {@link MissingTablesException} when a table this store reads is not in the database; reads no row.
   * Commands call it before their work, workers in their readiness probe.
   */
  void requireTables();

  /** The database it runs on. */
  Dialect dialect();

  /**
   * An order as {@link #state} reads it. {@code status}: the reference schema's own column; with a platform preset
   * {@code paid} when the platform considers the order paid, else the platform's status as the refusal quotes it.
   * {@code totalAmount}, {@code paidAt} and the invoice and 1C fields may be null.
   */
  record OrderState(long id, String status, boolean paid, Instant paidAt, boolean invoiceExported,
      String invoiceNumber, Instant invoiceExportedAt, BigDecimal totalAmount, String documentId,
      String documentNumber, Cancellation cancellation) {
    public OrderState(long id, String status, boolean paid, Instant paidAt, boolean invoiceExported,
        String invoiceNumber, Instant invoiceExportedAt, BigDecimal totalAmount, String documentId,
        String documentNumber) {
      this(id, status, paid, paidAt, invoiceExported, invoiceNumber, invoiceExportedAt, totalAmount, documentId,
          documentNumber, Cancellation.NONE);
    }

    public OrderState withCancellation(Cancellation c) {
      return new OrderState(id, status, paid, paidAt, invoiceExported, invoiceNumber, invoiceExportedAt, totalAmount,
          documentId, documentNumber, c);
    }
  }

  /**
   * The ledger's record of an order's cancellation (all null: none was asked). {@code requestedAt}: a cancel job
   * first ran, and from then on no export calls 1C for the order; {@code cancelledAt}: done (1C marked the invoice,
   * or there was none to mark); {@code answer}: what settled it, or the refusal that stopped it (see
   * {@link CancelAnswer}).
   */
  record Cancellation(Instant requestedAt, Instant cancelledAt, String answer) {
    public static final Cancellation NONE = new Cancellation(null, null, null);

    public boolean requested() {
      return requestedAt != null;
    }

    public boolean done() {
      return cancelledAt != null;
    }
  }

  /** The answers the ledger keeps in {@code invoice_cancel_answer}. */
  final class CancelAnswer {
    /** 1C marked the invoice for deletion now. */
    public static final String CANCELLED = "cancelled";
    /** 1C had marked it already (an earlier call whose answer was lost). */
    public static final String ALREADY_CANCELLED = "already_cancelled";
    /** 1C has no such invoice: the create never happened there (it was in doubt), so nothing is to mark. */
    public static final String NOT_FOUND = "not_found";
    /** 1C refused: documents (a payment, a shipment) are based on the invoice. An accountant decides. */
    public static final String HAS_BASED_DOCUMENTS = "has_based_documents";
    /** No invoice number was ever fixed for the order: 1C was never called, nothing to mark. */
    public static final String NEVER_SENT = "never_sent";

    private CancelAnswer() {}
  }

  /** One export attempt's session. Not thread-safe; close it to give its lock back. */
  interface Session extends AutoCloseable {
    /**
     * Blocks until this session holds the order's export lock, or {@code timeout} passes (then throws); one lock
     * per session. The lock lapses {@code idleLimit} after this process last renewed it (it renews every third of
     * that while the session holds it; zero: a default of 30 s): a process killed, frozen or cut off from the
     * database keeps the order no longer. Until {@link #unlock}, this session's writes to the order go through only
     * while the lock is still its own, and wait at most {@code timeout} for row locks held elsewhere.
     */
    void lock(long orderId, Duration timeout, Duration idleLimit);

    /** Gives the lock back. */
    void unlock(long orderId);

    /**
     * Nothing to read or write for a while (the call to 1C): gives the connection back to the pool, keeping the
     * lock; the next call borrows one again. An attempt calls it before it waits.
     */
    default void idle() {}

    /** The order with its lines, or empty when the shop has no such order. */
    Optional<Order> find(long orderId);

    /**
     * The order's invoice number, assigned now from the year's sequence if it has none; in a transaction of its
     * own, so that concurrent callers agree on one number.
     */
    String assignInvoiceNumber(long orderId, int year);

    /**
     * Records the export; only for the order still carrying {@code invoiceNumber} (and, under the lock, while the
     * lock is still this session's), else throws.
     */
    void markExported(long orderId, String invoiceNumber, Instant exportedAt, String documentId,
        String documentNumber);

    /**
     * {@link #markExported}, then {@link #unlock}: the last writes of an export 1C took. A store may make them one
     * transaction (the flag and the lock's release commit together, one round trip less); on a failure the lock is
     * still held and {@link #unlock} gives it back as usual.
     */
    default void markExportedAndUnlock(long orderId, String invoiceNumber, Instant exportedAt, String documentId,
        String documentNumber) {
      markExported(orderId, invoiceNumber, exportedAt, documentId, documentNumber);
      unlock(orderId);
    }

    /** The order's cancellation as the ledger has it ({@link Cancellation#NONE} when none was asked). */
    Cancellation cancellation(long orderId);

    /**
     * Records that the order's invoice is to be cancelled (kept when already recorded), in a transaction of its
     * own: committed before 1C is called, so that an export of the order that runs after it, under the same lock,
     * sees it and calls nothing.
     */
    void requestCancel(long orderId, Instant at);

    /**
     * Records what settled or stopped the cancellation: {@code cancelledAt} when it is done (null for a refusal,
     * which keeps the cancellation undone), and the answer.
     */
    void recordCancel(long orderId, Instant cancelledAt, String answer);

    @Override
    void close();
  }

  /** A database failure, its text reduced to what names no row data (see {@link SafeSqlErrors}). */
  final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
      super(message, cause);
    }

    public StoreException(String message) {
      super(message);
    }
  }
}
