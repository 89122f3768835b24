-- The OpenTelemetry trace each attempt belongs to; NULL when there is none.
ALTER TABLE export_attempts ADD COLUMN trace_id VARCHAR(64);
