package org.onecexporter.db;

import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.onecexporter.domain.Order;

/**
 * How a shop lays out its orders: where an order, its lines and the "paid" condition are. The invoice number and
 * the exported flag live either in the shop's own order rows (our reference schema) or, for a platform's schema
 * that we must not alter, in our ledger table {@code onec_exporter_ledger} beside it.
 */
public interface OrderSource {
  /** The name of {@code ORDER_SOURCE}. */
  String name();

  /** True: the invoice number and flag are in {@code onec_exporter_ledger}; false: in the order rows. */
  boolean ownLedger();

  /**
   * The order and its lines, status {@code paid} when the platform considers it paid (otherwise the platform's
   * own status, which the refusal quotes). The invoice fields are read here only when {@link #ownLedger} is
   * false.
   */
  Optional<Order> read(Handle handle, Dialect dialect, long orderId);

  /**
   * {@link #read} as PostgreSQL statements that can share a round trip with the order's lock (see {@link
   * OrderStore.Session#lock}), or null when the source reads only through {@link #read}.
   */
  default PipelinedRead pipelinedRead() {
    return null;
  }

  /**
   * An order's read as statements each taking one parameter, the order's id ({@code sql}: each statement ends with
   * {@code ;}); {@code rows} reads a row of the statement at that index (0-based within {@code sql}); {@code order}
   * makes the order (empty when the shop has none) from the rows each statement returned, the same as {@link
   * #read} would.
   */
  record PipelinedRead(String sql, int statements, java.util.function.IntFunction<PgPipeline.Rows<?>> rows,
      java.util.function.Function<java.util.List<? extends java.util.List<?>>, Optional<Order>> order) {}

  /**
   * A query for the ids of paid orders with no exported invoice, with {@code :after < id <= :upTo}, paid before
   * {@code :age_us} microseconds ago (or with no payment time), ordered by id, at most {@code :limit}. With
   * {@link #ownLedger}, it joins {@code onec_exporter_ledger l} on the order id.
   */
  String candidatesQuery(Dialect dialect);

  /**
   * A query for the ids of orders refunded or cancelled after payment whose invoice is to be cancelled (see
   * {@link OrderStore#cancelCandidates}), with {@code :after < id <= :upTo}, by id, at most {@code :limit}; it
   * joins {@code onec_exporter_ledger l} for the cancellation's state. Null when the source cannot list them.
   */
  default String cancelCandidatesQuery(Dialect dialect) {
    return null;
  }

  /**
   * The reconciler looks only at orders with a greater id: a platform's schema has no index on "paid and not
   * exported" (that half is in our ledger), so the newest orders by id, a primary-key range, bound a run's cost
   * whatever the table's size. 0: every order.
   */
  default long candidateFloor(org.jdbi.v3.core.Handle handle) {
    return 0;
  }
}
