// Redis memory per waiting job in BullMQ, for `bench weekend` (ops/bench step 9) on the same Redis: JOBS jobs
// (default 100000) added as enqueue.mjs adds them (add, PRODUCERS in flight, the same options and data: the order
// id), no worker, so every job waits; then the mean MEMORY USAGE of 1,000 job hashes spread over the backlog plus
// the queue's own keys (wait list, meta, id counter, events stream) divided by JOBS, and INFO used_memory before and
// after. REDIS_HOST/REDIS_PORT. Prints one JSON line; the queue is removed afterwards.
import { Queue } from 'bullmq';
import IORedis from 'ioredis';

const jobs = Number(process.env.JOBS ?? 100000);
const producers = Number(process.env.PRODUCERS ?? 32);
const connection = { host: process.env.REDIS_HOST ?? '127.0.0.1', port: Number(process.env.REDIS_PORT ?? 6379) };
const name = `bench-backlog-${process.pid}-${Date.now()}`;
const queue = new Queue(name, { connection });
const redis = new IORedis(connection);
const opts = { removeOnComplete: true, removeOnFail: true };

async function usedMemory() {
  const m = (await redis.info('memory')).match(/^used_memory:(\d+)/m);
  return m ? Number(m[1]) : -1;
}
async function usage(key) {
  return Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) || 0;
}

const before = await usedMemory();
const ids = new Array(jobs);
await Promise.all(Array.from({ length: producers }, async (_, p) => {
  for (let i = p; i < jobs; i += producers) {
    ids[i] = (await queue.add('invoice', { order_id: `${i + 1}` }, opts)).id;
  }
}));
const after = await usedMemory();
const sample = Math.min(1000, jobs);
let records = 0;
for (let k = 0; k < sample; k++) {
  records += await usage(`bull:${name}:${ids[Math.floor(k * jobs / sample)]}`);
}
let holders = 0;
for (const key of await redis.keys(`bull:${name}:*`)) {
  if (!/:\d+$/.test(key)) holders += await usage(key); // the wait list, meta, id, events: everything but job hashes
}
const perRecord = records / sample;
const perEntry = holders / jobs;
const result = { bench: 'backlog_memory', impl: 'bullmq', jobs, job_record_bytes: Math.round(perRecord),
  queue_entry_bytes: Math.round(perEntry * 10) / 10, bytes_per_job: Math.round(perRecord + perEntry),
  sampled_records: sample, used_memory_delta_bytes_per_job: before > 0 && after > 0 ? Math.round((after - before) / jobs) : null,
  record_fields: Object.keys(await redis.hgetall(`bull:${name}:${ids[0]}`)).join(',') };
console.log(JSON.stringify(result));
await queue.obliterate({ force: true });
await queue.close();
await redis.quit();
process.exit(0);
