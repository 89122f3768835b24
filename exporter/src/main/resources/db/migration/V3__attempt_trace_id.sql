-- The OpenTelemetry trace each attempt belongs to (the payment's trace when the enqueuer recorded one), so that
-- the console's order page links an order to its trace in Jaeger / Tempo. NULL when there is none.
ALTER TABLE export_attempts ADD COLUMN trace_id TEXT;
