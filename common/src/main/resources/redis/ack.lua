-- ack: KEYS active, stats, export_times; ARGV prefix, then per job: order_id, token, outcome, call_ms ('' when 1C
-- was not called). One call acks many jobs (workers batch acks that finish together). Returns 1/0 per job.
-- A job is done and forgotten; an export's timing goes to a capped list so `onec-exporter stats` can show
-- fleet-wide percentiles over a recent window.
return ack_jobs(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV, 2)
