-- An order's invoice cancelled in 1C after a refund or a cancellation (issue 24). The orders table is the shop's
-- (or views over the shop's tables), so the cancellation lives in a table of ours: the same onec_exporter_ledger
-- a platform preset uses, here with the cancellation columns only (the invoice number and the flag stay in orders).
-- invoice_exported_to_1c keeps meaning "the invoice was created".
CREATE TABLE onec_exporter_ledger (
    order_id                    BIGINT PRIMARY KEY,
    invoice_cancel_requested_at TIMESTAMPTZ,  -- a cancel job first ran; no export calls 1C for the order after it
    invoice_cancelled_at        TIMESTAMPTZ,  -- done: 1C marked the invoice, or there was none to mark
    invoice_cancel_answer       TEXT          -- cancelled, already_cancelled, not_found, has_based_documents, never_sent
);

-- The reconciler's cancellations: refunded or cancelled orders that got an invoice number. A partial index, built
-- only when orders is a table (a shop that maps orders onto its own tables with views has no index to add).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_class c WHERE c.relname = 'orders' AND c.relkind = 'r'
               AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())) THEN
    CREATE INDEX orders_refunded_with_invoice_idx ON orders (id)
        WHERE status IN ('refunded', 'cancelled') AND invoice_number IS NOT NULL;
  END IF;
END
$$;
