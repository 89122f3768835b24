-- An order's invoice cancelled in 1C after a refund or a cancellation (issue 24). invoice_exported_to_1c keeps
-- meaning "the invoice was created"; these say that it was marked for deletion since, or that its creation was
-- stopped before it happened.
--   invoice_cancel_requested_at: when a cancel job first ran for the order; from then on no export calls 1C for it.
--   invoice_cancelled_at:        when the cancellation was done (1C marked the invoice, or there was none to mark).
--   invoice_cancel_answer:       what settled it: 1C's answer (cancelled, already_cancelled, not_found,
--                                has_based_documents) or never_sent (no number was ever fixed: 1C never saw it).
ALTER TABLE onec_exporter_ledger
    ADD COLUMN invoice_cancel_requested_at TIMESTAMPTZ,
    ADD COLUMN invoice_cancelled_at        TIMESTAMPTZ,
    ADD COLUMN invoice_cancel_answer       TEXT;
