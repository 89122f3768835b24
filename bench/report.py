#!/usr/bin/env python3
"""Prints the benchmark results (one JSON object per line) as Markdown tables; plots queue throughput when
gnuplot is installed (docs/bench/queue-throughput.png).

Step 1 runs each configuration several times, alternated (ours, BullMQ, ours, …; "run" numbers the
alternation): the tables give every run and the median of the per-run ratios ours/BullMQ, and CPU time per
1,000 jobs (medians). Older result files, one run per configuration and no CPU figures, print the same way."""
import statistics
import json
import os
import shutil
import subprocess
import sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
by = lambda name: [r for r in rows if r.get("bench") == name]
for m in by("machine"):
    print(f"Machine: {m['cores']} cores, {m['mem_gb']} GiB, {m['cpu']}; Redis {m['redis']}; {m['date']}\n")


def runs(rows_, **match):
    """The rows matching every field given, in the order they ran."""
    return [r for r in rows_ if all(r.get(k) == v for k, v in match.items()) and "skipped" not in r]


def pair_ratios(ours, theirs, field):
    """ours/BullMQ per alternation (rows paired by their "run", else by order)."""
    if all("run" in r for r in ours + theirs):
        by_run = {r["run"]: r for r in theirs}
        return [o[field] / by_run[o["run"]][field] for o in ours if o["run"] in by_run and by_run[o["run"]][field]]
    return [o[field] / t[field] for o, t in zip(ours, theirs) if t[field]]


def figures(rs, field):
    return " / ".join(f"{r[field]:,}" for r in rs) if rs else "—"


def median_or_none(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def cpu(rs, part):
    """Median CPU ms per 1,000 jobs of one part (process, redis, total) over runs, or None."""
    return median_or_none([(r.get("cpu_ms_per_1000_jobs") or {}).get(part) for r in rs])


def fmt(v, suffix=""):
    return "—" if v is None else f"{v:,.1f}{suffix}"


def cpu_cell(rs):
    p, r, t = cpu(rs, "process"), cpu(rs, "redis"), cpu(rs, "total")
    if p is None:
        return "—"
    return f"{fmt(p)} + {fmt(r)} = {fmt(t)}" if t is not None else f"{fmt(p)} (Redis not measured)"


def ratio_cell(ratios):
    if not ratios:
        return "—"
    return f"**{statistics.median(ratios):.2f}×** ({' / '.join(f'{x:.2f}' for x in ratios)})"


noop = by("queue_noop")
if noop:
    print("No-op jobs/s, every run in the order run (ours, BullMQ alternated); ratio = median of the per-run ratios:\n")
    print("| concurrency | onec-exporter jobs/s | BullMQ jobs/s | ratio ours/BullMQ (per run) |")
    print("|---|---|---|---|")
points = []        # (concurrency, ours median jobs/s, BullMQ median jobs/s)
queue_ratios = {}  # concurrency -> median ratio
for c in sorted({r["concurrency"] for r in noop}):
    ours, theirs = runs(noop, impl="onec-exporter", concurrency=c), runs(noop, impl="bullmq", concurrency=c)
    ratios = pair_ratios(ours, theirs, "process_per_s")
    print(f"| {c} | {figures(ours, 'process_per_s')} | {figures(theirs, 'process_per_s')} | {ratio_cell(ratios)} |")
    if ours:
        points.append((c, statistics.median(r["process_per_s"] for r in ours),
                       statistics.median(r["process_per_s"] for r in theirs) if theirs else 0))
    if ratios:
        queue_ratios[c] = statistics.median(ratios)

cpu_totals = {}  # label -> (ours total, BullMQ total): medians of CPU ms per 1,000 jobs, worker/producer + Redis
if any("cpu_ms_per_1000_jobs" in r for r in noop):
    print("\nCPU ms per 1,000 no-op jobs (median of the runs; the worker process + Redis = total) and Redis commands per"
          " job (all, those inside scripts too; script calls):\n")
    print("| concurrency | onec-exporter CPU | BullMQ CPU | total ours/BullMQ | onec-exporter Redis commands (scripts) | BullMQ Redis commands (scripts) |")
    print("|---|---|---|---|---|---|")
    for c in sorted({r["concurrency"] for r in noop}):
        ours, theirs = runs(noop, impl="onec-exporter", concurrency=c), runs(noop, impl="bullmq", concurrency=c)
        to, tt = cpu(ours, "total"), cpu(theirs, "total")
        cpu_totals[f"no-op, concurrency {c}"] = (to, tt)
        commands = lambda rs: (f"{fmt(median_or_none([r.get('redis_commands_per_job') for r in rs]))} "
                               f"({median_or_none([r.get('redis_scripts_per_job') for r in rs]) or 0:.2f})")
        print(f"| {c} | {cpu_cell(ours)} | {cpu_cell(theirs)} | {f'{to / tt:.2f}×' if to and tt else '—'} | "
              f"{commands(ours)} | {commands(theirs)} |")

enq = by("queue_enqueue")
enqueue_ratios = {}  # mode -> median ratio
if enq:
    print("\nEnqueue alone, jobs/s per run (ours JobQueue.enqueue from 32 threads, whose concurrent calls share script"
          " calls, and JobQueue.enqueueAsync from one thread with 32 in flight, each vs BullMQ's add with 32 in"
          " flight in the same alternation; in bulk:"
          " ours' bulk enqueue vs addBulk, 1,000 a call); CPU ms per 1,000 jobs, producer process + Redis = total"
          " (median):\n")
    print("| enqueue | onec-exporter jobs/s | BullMQ jobs/s | ratio ours/BullMQ (per run) | onec-exporter CPU | BullMQ CPU |")
    print("|---|---|---|---|---|---|")
    for mode, label in (("single", "one at a time, synchronous (enqueue vs add)"),
                        ("single-async", "one at a time, asynchronous (enqueueAsync vs add)"),
                        ("bulk", "bulk (enqueue-bulk vs addBulk)")):
        # BullMQ's add is asynchronous already: both of our single modes are compared with the same add runs.
        ours = runs(enq, impl="onec-exporter", mode=mode)
        theirs = runs(enq, impl="bullmq", mode="single" if mode == "single-async" else mode)
        skipped = next((r["skipped"] for r in enq if r.get("impl") == "onec-exporter" and r.get("mode") == mode
                        and "skipped" in r), None)
        if not ours and not theirs:
            continue
        ratios = pair_ratios(ours, theirs, "enqueue_per_s") if ours else []
        if ratios:
            enqueue_ratios[mode] = statistics.median(ratios)
        if ours or mode != "single-async":
            cpu_totals[f"enqueue {mode}"] = (cpu(ours, "total"), cpu(theirs, "total"))
        print(f"| {label} | {figures(ours, 'enqueue_per_s') if ours else f'skipped: {skipped}'} | "
              f"{figures(theirs, 'enqueue_per_s')} | {ratio_cell(ratios)} | {cpu_cell(ours)} | {cpu_cell(theirs)} |")

if by("end_to_end"):
    print("\n| end to end | database | attempt history | tracing | exports/s | limit (cap ÷ latency) | % of limit |")
    print("|---|---|---|---|---|---|---|")
for r in by("end_to_end"):
    pool = f", pool {r['db_pool']}, lock {r['lock']}" if r.get("lock") == "held" or r.get("db_pool", 99) <= 8 else ""
    pool += f", code: {r['code']}" if "code" in r else ""
    print(f"| 1C latency {r['latency_ms']} ms, cap {r['onec_cap']}{pool}, {r['jobs']} jobs | {r.get('database', 'PostgreSQL')} | "
          f"{'on' if r.get('attempt_history', True) else 'off'} | {r.get('tracing', 'off')} | {r['exports_per_s']} | "
          f"{r.get('limit_per_s', '—')} | {r.get('percent_of_limit', '—')} |")
# Step 12: the same 50 ms run on both databases, alternated.
side_by_side = {}
for r in by("end_to_end"):
    if r.get("step") == 12 and "percent_of_limit" in r:
        side_by_side.setdefault(r["database"], []).append(r["percent_of_limit"])
if side_by_side:
    print("\nEnd to end at 1C latency 50 ms, databases alternated: " + "; ".join(
        f"{db} median {statistics.median(v)} % of the limit ({' / '.join(map(str, v))})" for db, v in side_by_side.items()))
traced = [r["exports_per_s"] for r in by("end_to_end") if r["latency_ms"] == 0 and r.get("tracing") == "sdk"]
untraced = [r["exports_per_s"] for r in by("end_to_end") if r["latency_ms"] == 0 and r.get("tracing") == "off"]
if traced and untraced:
    sdk, noop = statistics.median(traced), statistics.median(untraced)
    print(f"\nTracing at 1C latency 0 (alternated runs): median {noop} exports/s without an SDK (no OTEL_* set), "
          f"{sdk} with an SDK recording every span ({sdk / noop:.3f}×, {len(untraced)} + {len(traced)} runs)")
with_history = [r["exports_per_s"] for r in by("end_to_end") if r["latency_ms"] == 50 and r.get("attempt_history", True)]
without = [r["exports_per_s"] for r in by("end_to_end") if r["latency_ms"] == 50 and not r.get("attempt_history", True)]
if with_history and without:
    on, off = statistics.median(with_history), statistics.median(without)
    print(f"\nAttempt history at 50 ms (alternated runs): median {on} exports/s with it, {off} without "
          f"({on / off:.3f}×, {len(with_history)} + {len(without)} runs)")
for r in by("payment_path"):
    print(f"\nPayment path (1C latency {r['latency_ms']} ms): enqueue p50 {r['enqueue_p50_ms']} ms, p99 {r['enqueue_p99_ms']} ms "
          f"({r['enqueue_samples']} samples); direct synchronous export p50 {r['direct_p50_ms']} ms, p99 {r['direct_p99_ms']} ms "
          f"({r['direct_samples']} samples)")
for r in by("idle_pickup"):
    print(f"\nIdle pickup (enqueue → request at 1C): p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms, max {r['max_ms']} ms ({r['samples']} samples)")
for r in by("crash_recovery"):
    print(f"\nCrash recovery ({r['impl']}, {r['defaults']}): {r['seconds']} s from kill -9 to the job running again")
for r in by("lease_renewal"):
    print(f"\nLease renewal traffic (LEASE_SECONDS {r['lease_s']}, renewed every {r['renew_every_s']} s, {r['in_flight']} jobs in flight): "
          f"{r['commands_per_s']} Redis commands/s ({r['scripts_per_s']} script calls/s), Redis CPU {r['redis_cpu_ms_per_s']} ms/s")
for r in by("worker_memory"):
    print(f"\nWorker RSS with {r['in_flight']} exports in flight: {r['rss_mb']} MB (JVM {r['jvm_flags']})")
for r in by("small_worker"):
    if "skipped" in r:
        print(f"\nSmall worker ({r['jvm']}): not run, {r['skipped']}")
        continue
    claim = f"first claim {r['start_to_first_claim_ms']} ms, " if r.get("start_to_first_claim_ms", -1) >= 0 else ""
    print(f"\nSmall worker ({r['jvm']}, cores {r['cores']}, {r['flags'] or 'no flags'}): start → {claim}first 1C call "
          f"{r['start_to_first_call_ms']} ms, RSS {r['rss_mb']} MB (peak {r['peak_rss_mb']} MB) with {r['in_flight']} in flight")
for r in by("weekend_outage"):
    d, w, e, m, rss = r["drain"], r["when_onec_came_back"], r["export_order"], r["redis_memory"], r["worker_rss_mb"]
    print(f"\nWeekend outage ({r['jobs']:,} orders while 1C answered 502, {r['workers']} workers × {r['worker_concurrency']}, "
          f"cap {r['onec_cap']}, 1C {r['latency_ms']} ms): {w['calls_to_dead_onec']} calls reached the dead 1C, "
          f"{w['jobs_with_attempts_counted']} waiting jobs had an attempt counted; 1C back → first call "
          f"{d.get('seconds_from_onec_back_to_first_call')} s; first {d.get('first_window_s')} s at "
          f"{d.get('first_window_percent_of_limit')} % of the limit ({d.get('first_window_per_s')}/s of {d['limit_per_s']}), "
          f"whole drain {d.get('whole_drain_percent_of_limit')} % in {d['seconds']} s; export order vs payment order: rank "
          f"displacement p50 {e.get('p50_rank_displacement')}, p99 {e.get('p99_rank_displacement')}, max "
          f"{e.get('max_rank_displacement')}; DLQ {r['at_the_end']['dlq']}; 1C created {r['at_the_end']['created']}; "
          f"Redis {m['bytes_per_job']} bytes/job (record {m['job_record_bytes']} + entry {m['queue_entry_bytes']}); "
          f"worker RSS MB idle {rss['idle_before_orders']}, backlog queued {rss['after_the_outage_backlog_queued']}, "
          f"drain steady {rss['drain_steady_min']}–{rss['drain_steady_max']}, end {rss['end']}")
for r in by("backlog_memory"):
    print(f"\nRedis memory per waiting job, {r['impl']} ({r['jobs']:,} jobs): {r['bytes_per_job']} bytes "
          f"(record {r['job_record_bytes']} + entries {r['queue_entry_bytes']}; used_memory delta {r['used_memory_delta_bytes_per_job']})")
scripts = by("script_cost")
if scripts:
    r0 = scripts[0]
    print(f"\nScript costs, empty queue vs {r0['dlq']:,} DLQ entries, {r0['delayed']:,} delayed, {r0['ready']:,} ready "
          f"({r0['samples']} calls each, client time with the round trip; p50 / max ms):")
    for r in scripts:
        server = (f"  in Redis max {r['empty_server_max_ms']} → {r['full_server_max_ms']} ms"
                  if r.get("full_server_max_ms", -1) >= 0 else "")
        if r.get("full_server_p50_ms", -1) >= 0:
            server += f", p50 {r['empty_server_p50_ms']} → {r['full_server_p50_ms']} ms"
        print(f"  {r['call']:<15} empty {r['empty_p50_ms']:>7} / {r['empty_max_ms']:<8} full {r['full_p50_ms']:>7} / "
              f"{r['full_max_ms']:<8} ratio {r['ratio_p50']}{server}")
for r in by("script_cost_summary"):
    print(f"  fill {r['fill_s']} s; the index walk over the filled queue: {r['reindex_calls']} calls, {r['reindex_s']} s")
for r in by("script_cost_bulk"):
    print(f"  {r['op']} of {r['entries']:,} entries: {r['script_calls']} calls, {r['seconds']} s; enqueue meanwhile "
          f"p50 {r['enqueue_p50_ms']} ms, p99 {r['enqueue_p99_ms']} ms, max {r['enqueue_max_ms']} ms ({r['enqueues']})")

if points and shutil.which("gnuplot"):
    data = os.path.join(os.path.dirname(sys.argv[1]), "queue-throughput.dat")
    with open(data, "w") as f:
        for c, o, b in points:
            f.write(f"{c} {o} {b}\n")
    png = os.path.join(os.path.dirname(sys.argv[1]), "queue-throughput.png")
    script = (f"set terminal png size 800,480; set output '{png}'; set title 'No-op jobs/s vs concurrency (same Redis, same machine)';"
              f"set xlabel 'concurrency'; set ylabel 'jobs/s'; set key left top; set grid; set logscale x 2;"
              f"plot '{data}' using 1:2 with linespoints lw 2 title 'onec-exporter', '{data}' using 1:3 with linespoints lw 2 title 'BullMQ'")
    subprocess.run(["gnuplot", "-e", script], check=False)
    print(f"\nPlot: {png}")

# Step 11's ceiling: what the exchange alone leaves of the limit on this machine, beside this code's end to end.
for lat in sorted({r["latency_ms"] for r in by("onec_ceiling")}, reverse=True):
    ceil = [r for r in by("onec_ceiling") if r["latency_ms"] == lat]
    ours = [r["percent_of_limit"] for r in by("end_to_end")
            if r.get("code") == "this" and r["latency_ms"] == lat and "percent_of_limit" in r]
    bare = round(statistics.median(r["bare_percent_of_limit"] for r in ceil), 2)
    gated = round(statistics.median(r["gated_percent_of_limit"] for r in ceil), 2)
    line = (f"\nCeiling at 1C latency {lat} ms ({len(ceil)} runs, medians): the worker's HTTP client alone "
            f"{bare} % of the limit (a call {round(statistics.median(r['bare_call_mean_ms'] for r in ceil), 2)} ms on average), "
            f"behind the Redis permits {gated} %")
    if all("gated_onec_answer_mean_ms" in r for r in ceil):
        line += (f" (the emulator's answers {round(statistics.median(r['gated_onec_answer_mean_ms'] for r in ceil), 2)} ms on"
                 f" average: {round(statistics.median(r['gated_percent_of_answered_limit'] for r in ceil), 1)} % of the limit"
                 f" at that time)")
    if ours:
        line += (f"; this code end to end {round(statistics.median(ours), 2)} % of the limit, "
                 f"{statistics.median(ours) / gated * 100:.1f} % of the gated ceiling")
    print(line)

# The issue's targets, each with what this run measured (printed, never a reason to fail: absolute figures
# drift with the machine; the ratios are what docs/performance.md discusses).
def target(name, ok, measured):
    print(f"- {'met   ' if ok else 'MISSED'} {name}: {measured}")

quick = sys.argv[1].endswith("-quick.jsonl")
print("\nTargets" + (" (quick run: small sizes and cold JVMs, indicative only; the full run's figures are in"
                      " docs/performance.md):" if quick else ":"))
if queue_ratios:
    high = {c: x for c, x in queue_ratios.items() if c >= 50}
    low = {c: x for c, x in queue_ratios.items() if c < 50}
    if high:
        target("no-op throughput ≥ 1.5× BullMQ at concurrency 50–200 (median ratio)", min(high.values()) >= 1.5,
               ", ".join(f"{x:.2f}× at {c}" for c, x in sorted(high.items())))
    if low:
        target("no-op throughput ≥ 1.0× BullMQ at concurrency 10 (median ratio)", min(low.values()) >= 1.0,
               ", ".join(f"{x:.2f}× at {c}" for c, x in sorted(low.items())))
if "single" in enqueue_ratios:
    target("enqueue ≥ 1.0× BullMQ's add (median ratio)", enqueue_ratios["single"] >= 1.0, f"{enqueue_ratios['single']:.2f}×")
if "single-async" in enqueue_ratios:
    target("async enqueue ≥ 1.0× BullMQ's add (median ratio)", enqueue_ratios["single-async"] >= 1.0,
           f"{enqueue_ratios['single-async']:.2f}×")
if "bulk" in enqueue_ratios:
    target("bulk enqueue ≥ 1.0× BullMQ's addBulk (median ratio)", enqueue_ratios["bulk"] >= 1.0, f"{enqueue_ratios['bulk']:.2f}×")
elif any(r.get("mode") == "bulk" and "skipped" in r for r in by("queue_enqueue")):
    print("- not measured: bulk enqueue ≥ BullMQ's addBulk (no bulk enqueue on our side yet)")
measured = {k: v for k, v in cpu_totals.items() if v[0] is not None and v[1] is not None}
if measured:
    target("CPU per 1,000 jobs (worker + Redis) below BullMQ's", all(o < b for o, b in measured.values()),
           ", ".join(f"{k}: {o:,.0f} vs {b:,.0f} ms" for k, (o, b) in measured.items()))
for r in by("end_to_end"):
    if r.get("lock") == "held" or r.get("code", "this") != "this":
        continue  # the design or the code before issue 23, measured for comparison only
    if "percent_of_limit" in r:
        goal = 98 if r.get("code") == "this" and r["latency_ms"] >= 50 else 95  # issue 23 item 6: 98 % at 50 ms
        answered = (f" (the emulator's answers took {r['onec_answer_mean_ms']} ms on average: "
                    f"{r['percent_of_answered_limit']} % of the limit at that time)" if "percent_of_answered_limit" in r else "")
        target(f"end to end ≥ {goal} % of the limit at {r['latency_ms']} ms ({r.get('database', 'PostgreSQL')})", r["percent_of_limit"] >= goal,
               f"{r['percent_of_limit']} %{answered}")
for r in by("payment_path"):
    target("enqueue p99 ≤ 2 ms", r["enqueue_p99_ms"] <= 2, f"{r['enqueue_p99_ms']} ms")
for r in by("idle_pickup"):
    target("idle pickup p99 ≤ 50 ms", r["p99_ms"] <= 50, f"{r['p99_ms']} ms")
for r in by("worker_memory"):
    target("worker RSS ≤ 256 MB with 200 in flight", r["rss_mb"] <= 256 and r["in_flight"] >= 200, f"{r['rss_mb']} MB, {r['in_flight']} in flight")
for r in by("small_worker"):
    if r["jvm"] in ("small", "small-cds"):
        target(f"small worker ({r['jvm']}): RSS ≤ 160 MB with 32 in flight", r["rss_mb"] <= 160, f"{r['rss_mb']} MB")
    # Issue 23's start target is for the recommended flags, which include the class-data archive (the image's
    # ONEC_JAVA_OPTS): a start from the archive. The first start of a new container writes it (small-cds-training)
    # and the flags without it (small) are printed above, not judged.
    if r["jvm"] == "small-cds":
        if r.get("start_to_first_claim_ms", -1) >= 0:
            target("small worker (small-cds): start → first claim ≤ 2 s", r["start_to_first_claim_ms"] <= 2000,
                   f"{r['start_to_first_claim_ms']} ms (first 1C call {r['start_to_first_call_ms']} ms)")
        else:
            target("small worker (small-cds): start → first 1C call ≤ 2 s", r["start_to_first_call_ms"] <= 2000,
                   f"{r['start_to_first_call_ms']} ms")
for r in by("weekend_outage"):
    for name, ok in r["checks"].items():
        target(f"weekend outage: {name}", ok, "")
    theirs = [b for b in by("backlog_memory") if b["impl"] == "bullmq"]
    if theirs:
        ours_b, theirs_b = r["redis_memory"]["bytes_per_job"], theirs[0]["bytes_per_job"]
        target("weekend outage: Redis memory per waiting job ≤ BullMQ's", ours_b <= theirs_b, f"{ours_b} vs {theirs_b} bytes")
for r in by("script_cost"):
    # The call's time in Redis (SLOWLOG) where measured: a p50 of a tenth of a millisecond on the client's side is
    # mostly the round trip and the bench JVM's scheduling on two shared cores, which no script changes.
    # The sweep step checks the job records among the keys of one SCAN of COUNT 100 until it has spent 0.5 ms of
    # Redis' time (rehome.lua): how many it checked a step on each queue, and the time per record, say what a
    # record's check costs on each (random reads over a bigger keyspace are dearer on a host with slow memory).
    per_record = ""
    if r.get("ratio_server_p50_per_record", -1) >= 0:
        per_record = (f"; {r['empty_records_per_call']} → {r['full_records_per_call']} records checked a step, "
                      f"{r['ratio_server_p50_per_record']}× per record")
    if r.get("ratio_server_p50", -1) >= 0:
        target(f"script cost on the big queue, {r['call']}: p50 in Redis within 2× of the empty queue's",
               r["ratio_server_p50"] <= 2,
               f"{r['ratio_server_p50']}× ({r['empty_server_p50_ms']} → {r['full_server_p50_ms']} ms in Redis; the client's "
               f"p50 {r['empty_p50_ms']} → {r['full_p50_ms']} ms, {r['ratio_p50']}×{per_record})")
    else:
        target(f"script cost on the big queue, {r['call']}: p50 within 2× of the empty queue's", r["ratio_p50"] <= 2,
               f"{r['ratio_p50']}× ({r['empty_p50_ms']} → {r['full_p50_ms']} ms)")
    # What blocks Redis is the server's own time of a call (SLOWLOG); the client's max adds the round trip and this
    # machine's scheduling of the bench's JVM, shown beside it. Result files from before the SLOWLOG: the client's.
    server = r.get("full_server_max_ms", -1)
    if server >= 0:
        target(f"script cost on the big queue, {r['call']}: no call over 5 ms in Redis", server <= 5,
               f"max {server} ms in Redis (the client's max, round trip included: {r['full_max_ms']} ms)")
    else:
        target(f"script cost on the big queue, {r['call']}: no call over 5 ms", r["full_max_ms"] <= 5,
               f"max {r['full_max_ms']} ms")
for r in by("script_cost_bulk"):
    target(f"enqueue p99 ≤ 2 ms during {r['op']} of the whole DLQ", r["enqueue_p99_ms"] <= 2, f"{r['enqueue_p99_ms']} ms")
crash = {r["impl"]: r["seconds"] for r in by("crash_recovery")}
if "onec-exporter" in crash:
    target("crash recovery ≤ 15 s with the defaults", crash["onec-exporter"] <= 15, f"{crash['onec-exporter']} s")
if len(crash) == 2:
    target("crash recovery faster than BullMQ's defaults", crash["onec-exporter"] < crash["bullmq"],
           f"{crash['onec-exporter']} s vs {crash['bullmq']} s")

# Every benchmark must have produced its line: a run that silently skipped one is a failed run.
expected = {"machine", "queue_noop/onec-exporter", "queue_noop/bullmq", "end_to_end", "payment_path", "idle_pickup",
            "crash_recovery/onec-exporter", "crash_recovery/bullmq", "worker_memory", "lease_renewal", "small_worker",
            "weekend_outage", "backlog_memory", "end_to_end/lease", "end_to_end/held", "end_to_end/this",
            "end_to_end/baseline", "onec_ceiling", "script_cost", "script_cost_bulk"}
# ops/bench --only 5,7: just those steps' results are expected.
steps = {"1": {"queue_noop/onec-exporter", "queue_noop/bullmq", "queue_enqueue/onec-exporter/single",
               "queue_enqueue/onec-exporter/single-async", "queue_enqueue/bullmq/single", "queue_enqueue/bullmq/bulk"}, "2": {"end_to_end"}, "3": {"payment_path"},
         "4": {"idle_pickup"}, "5": {"crash_recovery/onec-exporter", "crash_recovery/bullmq"},
         "6": {"worker_memory"}, "7": {"lease_renewal"}, "8": {"small_worker"},
         "9": {"weekend_outage", "backlog_memory"}, "10": {"end_to_end/lease", "end_to_end/held"},
         "11": {"end_to_end/this", "end_to_end/baseline", "onec_ceiling"},
         "12": {"end_to_end/step12/PostgreSQL", "end_to_end/step12/MariaDB"}, "13": {"script_cost", "script_cost_bulk"}}
only = [s for s in os.environ.get("BENCH_ONLY", "").split(",") if s]
alternations = next((m.get("alternations") for m in by("machine")), None)
if alternations is None:  # a result file from before the alternated runs and the enqueue step
    expected -= steps["1"]
    steps["1"] = {"queue_noop/onec-exporter", "queue_noop/bullmq"}
    expected |= steps["1"]
# Step 12 exists since the rows name their database: older result files are not expected to have it.
if any("database" in r for r in by("end_to_end")):
    expected |= steps["12"]
if only:
    expected = {"machine"}.union(*(steps[s] for s in only))
# Step 11 without its baseline (a quick run, a shallow clone): the skip line says why; this code's rows still count.
if any("skipped" in r for r in by("handover_baseline")):
    expected.discard("end_to_end/baseline")


def key(r):
    if r["bench"] in ("queue_noop", "crash_recovery"):
        return f"{r['bench']}/{r['impl']}"
    if r["bench"] == "queue_enqueue":
        return f"{r['bench']}/{r['impl']}/{r['mode']}"
    if r["bench"] == "end_to_end" and r.get("step") == 12:
        return f"end_to_end/step12/{r['database']}"
    if r["bench"] == "end_to_end" and r.get("db_pool", 99) <= 8:  # step 10: a small pool, per design
        return f"end_to_end/{r.get('lock', 'lease')}"
    if r["bench"] == "end_to_end" and "code" in r:  # step 11: this code or the baseline's
        return f"end_to_end/{r['code'].split()[0]}"
    return r["bench"]


present = {key(r) for r in rows if "skipped" not in r}
missing = sorted(expected - present)
# Step 1's configurations must each have run as often as ops/bench alternates them.
if alternations and (not only or "1" in only):
    configs = {}
    for r in rows:
        if r["bench"] in ("queue_noop", "queue_enqueue") and "skipped" not in r:
            k = (r["bench"], r["impl"], r.get("concurrency", r.get("mode")))
            configs[k] = configs.get(k, 0) + 1
    missing += [f"{'/'.join(map(str, k))} ({n} of {alternations} runs)" for k, n in sorted(configs.items()) if n < alternations]
if missing:
    print(f"\nmissing results: {', '.join(missing)}", file=sys.stderr)
    sys.exit(1)
