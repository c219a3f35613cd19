// BullMQ peer benchmark: closed-loop throughput, Redis and client cost per job, and paced add → start
// latency, against an already running redis-server. Logs go to stderr; one JSON line to stdout.
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import Redis from 'ioredis';
import { Queue, Worker } from 'bullmq';

const { values: arg } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '6379' },
    jobs: { type: 'string' },
    concurrency: { type: 'string', default: '50' },
    'paced-rate': { type: 'string' },
    'paced-seconds': { type: 'string' },
    smoke: { type: 'boolean', default: false },
  },
});
const JOBS = Number(arg.jobs ?? (arg.smoke ? 300 : 20000));
const CONCURRENCY = Number(arg.concurrency);
const PACED_RATE = Number(arg['paced-rate'] ?? (arg.smoke ? 200 : 1000));
const PACED_SECONDS = Number(arg['paced-seconds'] ?? (arg.smoke ? 1 : 5));
// Same producer shape as BullMQ's own benchmark (taskforcesh/bullmq-bench): addBulk in batches of 100,
// each awaited before the next. Unlike it, the Worker runs while the jobs are added and the clock runs
// from the first add to the last 'completed', so the figure is end to end.
const BULK = 100;
const VERSION = createRequire(import.meta.url)('bullmq/package.json').version;
const connection = { host: arg.host, port: Number(arg.port) };
const base = `hotline-peer-${process.pid}-${Date.now()}`;
const log = (...a) => console.error('[bullmq-bench]', ...a);
const now = () => performance.timeOrigin + performance.now();  // ms, sub-ms resolution

// Client round trips: BullMQ drives every connection (Queue, Worker, its blocking connection) through
// ioredis' Redis#sendCommand. A command outside a pipeline is one round trip; all commands of one
// pipeline or MULTI share a pipeline stream object and count as one round trip together.
// `requests` counts every top-level command the client sends (EVALSHA of a script counts once).
const count = { on: false, requests: 0, roundTrips: 0, pipelines: new WeakSet() };
const sendCommand = Redis.prototype.sendCommand;
Redis.prototype.sendCommand = function (command, stream, ...rest) {
  if (count.on && !this.isStatsConnection) {
    count.requests++;
    if (!stream?.isPipeline) count.roundTrips++;
    else if (!count.pipelines.has(stream)) { count.pipelines.add(stream); count.roundTrips++; }
  }
  return sendCommand.call(this, command, stream, ...rest);
};

// Redis side: the sum of commandstats calls= (which counts commands run inside Lua scripts as well as
// the EVALSHA itself) and the server process's CPU. The snapshot's own INFO shows up in the next one.
async function redisStats(stats) {
  const info = await stats.call('INFO', 'cpu', 'commandstats');
  let calls = 0;
  for (const m of info.matchAll(/calls=(\d+)/g)) calls += Number(m[1]);
  const cpuSeconds = ['used_cpu_sys', 'used_cpu_user']
    .reduce((s, k) => s + Number(new RegExp(`${k}:([\\d.]+)`).exec(info)[1]), 0);
  return { calls, cpuSeconds };
}

async function withQueue(name, processor, body) {
  const queue = new Queue(name, { connection });
  const worker = new Worker(name, processor, { connection, concurrency: CONCURRENCY });
  worker.on('error', (err) => log('worker error:', err.message));
  await Promise.all([queue.waitUntilReady(), worker.waitUntilReady()]);
  try {
    return await body(queue, worker);
  } finally {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

function waitFor(promise, what, ms) {
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// a + b: closed loop; processor returns at once; cost counters run from the first add to the last completed.
async function closedLoop(stats) {
  return withQueue(`${base}-closed`, async () => ({ ok: 1 }), async (queue, worker) => {
    let completed = 0;
    const allDone = new Promise((resolve) => worker.on('completed', () => { if (++completed === JOBS) resolve(performance.now()); }));
    const r0 = await redisStats(stats);
    Object.assign(count, { on: true, requests: 0, roundTrips: 0 });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < JOBS; i += BULK) {
      const n = Math.min(BULK, JOBS - i);
      await queue.addBulk(Array.from({ length: n }, (_, k) => ({ name: 'job', data: { i: i + k } })));
    }
    const t1 = await waitFor(allDone, 'closed-loop jobs', 120000 + JOBS * 10);
    const cpu = process.cpuUsage(cpu0);
    count.on = false;
    const r1 = await redisStats(stats);
    return {
      jobs_per_s: JOBS / ((t1 - t0) / 1000),
      redis_commands_per_job: (r1.calls - r0.calls - 1) / JOBS,
      client_round_trips_per_job: count.roundTrips / JOBS,
      client_requests_per_job: count.requests / JOBS,
      redis_cpu_us_per_job: ((r1.cpuSeconds - r0.cpuSeconds) * 1e6) / JOBS,
      client_cpu_us_per_job: (cpu.user + cpu.system) / JOBS,
    };
  });
}

// c: paced; every millisecond a timer adds the jobs now due (queue.add for one, addBulk for several),
// each carrying its add time; the processor records its own start time minus that add time.
async function paced() {
  const total = Math.round(PACED_RATE * PACED_SECONDS);
  const latencies = [];
  let resolveAll;
  const allStarted = new Promise((resolve) => { resolveAll = resolve; });
  const processor = async (job) => {
    latencies.push(now() - job.data.t);
    if (latencies.length === total) resolveAll();
    return { ok: 1 };
  };
  return withQueue(`${base}-paced`, processor, async (queue) => {
    const start = performance.now();
    let added = 0;
    const adds = [];
    await new Promise((resolve) => {
      const timer = setInterval(() => {
        const due = Math.min(total, Math.floor(((performance.now() - start) * PACED_RATE) / 1000));
        if (due > added) {
          const n = due - added;
          added = due;
          const t = now();
          adds.push(n === 1 ? queue.add('job', { t })
            : queue.addBulk(Array.from({ length: n }, () => ({ name: 'job', data: { t } }))));
        }
        if (added >= total) { clearInterval(timer); resolve(); }
      }, 1);
    });
    await Promise.all(adds);
    await waitFor(allStarted, 'paced jobs', 60000);
    const sorted = latencies.sort((a, b) => a - b);
    const pct = (q) => Number(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)].toFixed(3));
    return { p50: pct(0.5), p99: pct(0.99), p999: pct(0.999), n: sorted.length };
  });
}

const stats = new Redis({ ...connection, lazyConnect: true, retryStrategy: () => null });
stats.isStatsConnection = true;
stats.on('error', (err) => log('redis:', err.message));
await stats.connect();  // fails at once if no redis-server listens there
try {
  log(`bullmq ${VERSION}, redis ${arg.host}:${arg.port}, ${JOBS} jobs, concurrency ${CONCURRENCY}`);
  const closed = await closedLoop(stats);
  log('closed loop:', JSON.stringify(closed));
  log(`paced: ${PACED_RATE}/s for ${PACED_SECONDS} s`);
  const latency = await paced();
  const left = await stats.keys(`bull:${base}-*`);
  if (left.length) throw new Error(`keys left after obliterate: ${left.slice(0, 5).join(' ')}`);
  const round = (x) => Number(x.toFixed(2));
  console.log(JSON.stringify({
    peer: 'bullmq', version: VERSION, concurrency: CONCURRENCY, jobs: JOBS,
    ...Object.fromEntries(Object.entries(closed).map(([k, v]) => [k, round(v)])),
    paced_rate: PACED_RATE, paced_seconds: PACED_SECONDS, add_to_start_ms: latency,
  }));
} finally {
  await stats.quit();
}
