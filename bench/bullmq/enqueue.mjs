// Enqueue alone through BullMQ on the same Redis as onec-exporter, as `bench queue-enqueue` does for ours.
// MODE add (PRODUCERS adds in flight at once, default 32, as our 32 enqueueing threads) or addBulk (BATCH jobs a
// call, default 1000); JOBS (20000), REDIS_HOST/REDIS_PORT. A warm-up of min(WARMUP (1000), JOBS) jobs is not measured.
// Prints one JSON line.
import { Queue } from 'bullmq';
import { startMeter } from './meter.mjs';

const jobs = Number(process.env.JOBS ?? 20000);
const mode = process.env.MODE ?? 'add';
const producers = Number(process.env.PRODUCERS ?? 32);
const batch = Number(process.env.BATCH ?? 1000);
const connection = { host: process.env.REDIS_HOST ?? '127.0.0.1', port: Number(process.env.REDIS_PORT ?? 6379) };
const name = `bench-enq-${process.pid}-${Date.now()}`;
const queue = new Queue(name, { connection });
const opts = { removeOnComplete: true, removeOnFail: true };

async function enqueue(prefix, count) {
  if (mode === 'addBulk') {
    for (let i = 0; i < count; i += batch) {
      const n = Math.min(batch, count - i);
      await queue.addBulk(Array.from({ length: n }, (_, k) => ({ name: 'invoice', data: { order_id: `${prefix}${i + k + 1}` }, opts })));
    }
  } else if (mode === 'add') {
    await Promise.all(Array.from({ length: producers }, async (_, p) => {
      for (let i = p; i < count; i += producers) {
        await queue.add('invoice', { order_id: `${prefix}${i + 1}` }, opts);
      }
    }));
  } else {
    throw new Error(`MODE must be add or addBulk, got ${mode}`);
  }
}

const warmup = Math.min(Number(process.env.WARMUP ?? 1000), jobs);
await enqueue('w', warmup);
const meter = await startMeter(connection);
const t0 = performance.now();
await enqueue('', jobs);
const seconds = (performance.now() - t0) / 1000;
const result = { bench: 'queue_enqueue', impl: 'bullmq', mode: mode === 'add' ? 'single' : 'bulk', api: mode, jobs,
  ...(mode === 'add' ? { producers } : { batch }), warmup_jobs: warmup };
await meter.stop(result, jobs);
result.enqueue_per_s = Math.round(jobs / seconds);
console.log(JSON.stringify(result));
await queue.obliterate({ force: true });
await queue.close();
process.exit(0);
