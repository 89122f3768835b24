// What one measured phase of a BullMQ run cost, measured as the Java side does (RunMeter.java): CPU time of
// this process and of the Redis server (utime + stime from /proc/<pid>/stat, BENCH_CLK_TCK ticks a second,
// default 100; the Redis figures only when BENCH_REDIS_PID is set) and the Redis commands served
// (INFO commandstats, all clients, INFO itself excluded).
import { readFileSync } from 'node:fs';
import IORedis from 'ioredis';

const ticksPerSecond = Number(process.env.BENCH_CLK_TCK || 100);
const redisPid = Number(process.env.BENCH_REDIS_PID || -1);

export function cpuTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).trim().split(' ');
    return Number(f[11]) + Number(f[12]); // fields 14 (utime) and 15 (stime)
  } catch {
    return -1;
  }
}

// Commands served since Redis started, by name (INFO itself left out); null when INFO fails.
async function commandCalls(client) {
  try {
    const text = await client.info('commandstats');
    const calls = {};
    for (const line of text.split('\n')) {
      const m = line.match(/^cmdstat_([^:]+):calls=(\d+)/);
      if (m && m[1] !== 'info') calls[m[1]] = Number(m[2]);
    }
    return calls;
  } catch {
    return null;
  }
}

const SCRIPT_COMMANDS = ['eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro'];

const round = (v) => Math.round(v * 100) / 100;

/** Starts measuring; `connection` ({host, port}) is the Redis under test, read through a connection of its own. */
export async function startMeter(connection) {
  const client = new IORedis({ ...connection, lazyConnect: false, maxRetriesPerRequest: 1 });
  const calls0 = await commandCalls(client);
  const redis0 = redisPid > 0 ? cpuTicks(redisPid) : -1;
  const process0 = cpuTicks(process.pid);
  return {
    /**
     * Adds cpu_ms, cpu_ms_per_1000_jobs {process, redis, total}, redis_commands_per_job (every command Redis ran,
     * those inside scripts too), redis_scripts_per_job and redis_commands_per_job_by_name to `result`.
     */
    async stop(result, jobs) {
      const process1 = cpuTicks(process.pid);
      const redis1 = redis0 >= 0 ? cpuTicks(redisPid) : -1;
      const calls1 = await commandCalls(client);
      client.disconnect();
      const processMs = ((process1 - process0) * 1000) / ticksPerSecond;
      const redisMs = redis0 >= 0 && redis1 >= 0 ? ((redis1 - redis0) * 1000) / ticksPerSecond : null;
      result.cpu_ms = { process: round(processMs), redis: redisMs === null ? null : round(redisMs),
        total: redisMs === null ? null : round(processMs + redisMs) };
      result.cpu_ms_per_1000_jobs = { process: round((processMs * 1000) / jobs),
        redis: redisMs === null ? null : round((redisMs * 1000) / jobs),
        total: redisMs === null ? null : round(((processMs + redisMs) * 1000) / jobs) };
      result.clk_tck = ticksPerSecond;
      if (calls0 && calls1) {
        let all = 0;
        let scripts = 0;
        const byName = {};
        for (const [name, n] of Object.entries(calls1)) {
          const delta = n - (calls0[name] ?? 0);
          all += delta;
          if (SCRIPT_COMMANDS.includes(name)) scripts += delta;
          if (delta / jobs >= 0.005) byName[name] = Math.round((delta / jobs) * 1000) / 1000;
        }
        result.redis_commands_per_job = round(all / jobs);
        result.redis_scripts_per_job = round(scripts / jobs);
        result.redis_commands_per_job_by_name = byName;
      } else {
        result.redis_commands_per_job = null;
        result.redis_scripts_per_job = null;
      }
      return result;
    },
  };
}
