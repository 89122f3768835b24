// No-op jobs through BullMQ on the same Redis as onec-exporter: addBulk, then workers complete them (measured:
// jobs/s, and CPU and Redis commands per job, see meter.mjs).
// JOBS (20000), CONCURRENCY (100), WORKERS (1), REDIS_HOST/REDIS_PORT. A warm-up of min(WARMUP (1000), JOBS) jobs is not
// measured. Prints one JSON line.
import { Queue, Worker } from 'bullmq';
import { startMeter } from './meter.mjs';

const jobs = Number(process.env.JOBS ?? 20000);
const concurrency = Number(process.env.CONCURRENCY ?? 100);
const workers = Number(process.env.WORKERS ?? 1);
const connection = { host: process.env.REDIS_HOST ?? '127.0.0.1', port: Number(process.env.REDIS_PORT ?? 6379) };
const name = `bench-noop-${process.pid}-${Date.now()}`;
const queue = new Queue(name, { connection });

// Unmeasured warm-up, the same size on our side (BenchCommand's queue --warmup): min(WARMUP, JOBS) jobs through a queue and
// worker of their own first, so that the measured window (and its CPU per 1,000 jobs) does not count compiling.
const warmup = Math.min(Number(process.env.WARMUP ?? 1000), jobs);
{
  const warmName = `${name}-warmup`;
  const warmQueue = new Queue(warmName, { connection });
  let warmDone = 0;
  let warmFinish;
  const warmFinished = new Promise((resolve) => { warmFinish = resolve; });
  const warmWorker = new Worker(warmName, async () => {}, { connection, concurrency });
  warmWorker.on('completed', () => { if (++warmDone === warmup) warmFinish(); });
  await warmQueue.addBulk(Array.from({ length: warmup }, (_, k) => ({
    name: 'invoice', data: { order_id: k + 1 }, opts: { removeOnComplete: true, removeOnFail: true },
  })));
  await warmFinished;
  await warmWorker.close();
  await warmQueue.obliterate({ force: true });
  await warmQueue.close();
}

let t0 = performance.now();
for (let i = 0; i < jobs; i += 1000) {
  const n = Math.min(1000, jobs - i);
  await queue.addBulk(Array.from({ length: n }, (_, k) => ({
    name: 'invoice', data: { order_id: i + k + 1 }, opts: { removeOnComplete: true, removeOnFail: true },
  })));
}
const enqueueSeconds = (performance.now() - t0) / 1000;

let done = 0;
let finish;
const finished = new Promise((resolve) => { finish = resolve; });
// CPU (this process and Redis) and Redis commands from the workers' start to the last job completed.
const meter = await startMeter(connection);
t0 = performance.now();
const pool = Array.from({ length: workers }, () => new Worker(name, async () => {}, { connection, concurrency }));
for (const w of pool) {
  w.on('completed', () => { if (++done === jobs) finish(); });
}
await finished;
const processSeconds = (performance.now() - t0) / 1000;
const result = { bench: 'queue_noop', impl: 'bullmq', jobs, concurrency, workers, warmup_jobs: warmup,
  enqueue_per_s: Math.round(jobs / enqueueSeconds) };
await meter.stop(result, jobs);
result.process_per_s = Math.round(jobs / processSeconds);
console.log(JSON.stringify(result));
await Promise.all(pool.map((w) => w.close()));
await queue.obliterate({ force: true });
await queue.close();
process.exit(0);
