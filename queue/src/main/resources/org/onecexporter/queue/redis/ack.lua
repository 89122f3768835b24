-- ack: KEYS active, stats, export_times, onec_health, wake; ARGV prefix, then per job: order_id, token, outcome, call_ms ('' when 1C
-- was not called). One call acks many jobs (workers batch acks that finish together). Returns 1/0 per job.
-- A job is done and forgotten; an export's timing goes to a capped list so `onec-exporter stats` can show
-- fleet-wide percentiles over a recent window.
-- A job whose 1C call was answered (call_ms set) tells the fleet 1C is up (onec_answered in prelude.lua).
return ack_jobs(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV, 2, KEYS[4], KEYS[5])
