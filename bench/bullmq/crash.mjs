// Crash recovery with BullMQ's defaults: a worker process is killed (SIGKILL) in the middle of a job; a new
// worker is started at once; prints the time from the kill until the job runs again. One JSON line.
import { fork } from 'node:child_process';
import { Queue, Worker } from 'bullmq';

const connection = { host: process.env.REDIS_HOST ?? '127.0.0.1', port: Number(process.env.REDIS_PORT ?? 6379) };

if (process.argv[2] === 'victim') {
  const worker = new Worker(process.argv[3], async () => {
    process.send('started');
    await new Promise(() => {}); // a 1C call that never comes back before the kill
  }, { connection });
  worker.on('error', () => {});
} else {
  const name = `bench-crash-${process.pid}-${Date.now()}`;
  const queue = new Queue(name, { connection });
  await queue.add('invoice', { order_id: 1 });
  const victim = fork(new URL(import.meta.url).pathname, ['victim', name]);
  await new Promise((resolve) => victim.on('message', resolve));
  victim.kill('SIGKILL');
  const killedAt = performance.now();
  let rerun;
  const ranAgain = new Promise((resolve) => { rerun = resolve; });
  const rescuer = new Worker(name, async () => { rerun(); }, { connection });
  await ranAgain;
  const seconds = (performance.now() - killedAt) / 1000;
  console.log(JSON.stringify({ bench: 'crash_recovery', impl: 'bullmq', defaults: 'lock 30 s, stalled check 30 s',
    seconds: Math.round(seconds * 10) / 10 }));
  await rescuer.close();
  await queue.obliterate({ force: true });
  await queue.close();
  process.exit(0);
}
