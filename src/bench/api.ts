import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppStore } from '../auth/apps.js';
import { loadMasterKey } from '../auth/masterkey.js';
import { signToken } from '../auth/signature.js';
import { loadConfig } from '../config/index.js';
import { openDatabase } from '../store/db.js';

/**
 * `npm run bench:api`: livegetfour throughput and latency with signature verification and the
 * challenge INSERT, measured with autocannon on loopback against `serve`'s own code path
 * running in a child process (so the load generator and the server each get a core).
 */

interface AutocannonStats {
  average: number;
  p50: number;
  p97_5: number;
  p99: number;
  max: number;
}
interface AutocannonResult {
  requests: AutocannonStats & { total: number };
  latency: AutocannonStats;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
}
interface BenchRequest {
  method: 'POST';
  headers: Record<string, string>;
  body: string;
}
type Autocannon = (opts: {
  url: string;
  requests: Array<{ setupRequest: (req: BenchRequest) => BenchRequest }>;
  connections: number;
  duration: number;
}) => Promise<AutocannonResult>;

// autocannon ships no types; this is the part of its API used here.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

// 16 concurrent clients: enough to saturate one server core; latency grows linearly beyond (Little's law).
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS) || 16;
const DURATION_SEC = Number(process.env.BENCH_DURATION) || 10;
const WARMUP_SEC = 5;
/**
 * Apps the requests rotate over. An app holds at most 10,000 challenges at once (one per
 * value, docs/api.md), and real apps are rate-limited far below a server's throughput; one app
 * would run out of values within a second or two of this load.
 */
const APPS = 64;

export interface BenchResult {
  title: string;
  markdown: string;
  figures: Record<string, number>;
}

export async function benchApi(): Promise<BenchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lc-bench-api-'));
  const logLevel = process.env.LIVECHECK_LOG_LEVEL ?? 'info';
  const child = fork(fileURLToPath(import.meta.url), ['--serve-child'], {
    // BENCH_PROFILE_DIR=dir writes a V8 CPU profile of the server to dir (open it in Chrome DevTools).
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [])],
    env: { ...process.env, LIVECHECK_DATA: dataDir, LIVECHECK_LOG_LEVEL: logLevel },
    // Logs go to /dev/null: the server still formats every line, as in production.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  try {
    const address = await childAddress(child);
    const db = openDatabase(dataDir);
    const store = new AppStore(db, loadMasterKey({ dataDir }));
    const apps = Array.from({ length: APPS }, () => {
      const creds = store.createApp({ rateLimitPerMinute: 0 });
      return {
        method: 'POST' as const,
        headers: { 'content-type': 'application/json', authorization: signToken({ ...creds, ttlSec: 3600 }) },
        body: JSON.stringify({ appid: creds.appid, seq: 'bench' }),
      };
    });
    db.close();
    let next = 0;
    const request = {
      url: `${address}/face/livegetfour`,
      requests: [{ setupRequest: (req: BenchRequest) => ({ ...req, ...apps[next++ % APPS] }) }],
      connections: CONNECTIONS,
    };
    await waitUntilIdle(child);
    // Warm-up: JIT and SQLite page cache.
    await autocannon({ ...request, duration: WARMUP_SEC });
    const load = loadavg()[0];
    const cpuBefore = await childCpu(child);
    const r = await autocannon({ ...request, duration: DURATION_SEC });
    const cpuAfter = await childCpu(child);
    // CPU time the server spent per request: unlike req/s it hardly depends on what else runs.
    const cpuUsPerReq = (cpuAfter.user + cpuAfter.system - cpuBefore.user - cpuBefore.system) / Math.max(1, r.requests.total);
    if (r['2xx'] === 0) throw new Error('bench: no successful request; is the server answering?');
    const figures = {
      req_per_sec: Math.round(r.requests.average),
      latency_p50_ms: r.latency.p50,
      latency_p97_5_ms: r.latency.p97_5,
      latency_p99_ms: r.latency.p99,
      latency_max_ms: r.latency.max,
      requests_total: r.requests.total,
      errors: r.errors + r.timeouts + r.non2xx,
      server_cpu_us_per_request: Math.round(cpuUsPerReq),
      load_avg_1m_before: Math.round(load * 100) / 100,
    };
    const markdown = [
      `livegetfour over loopback, ${CONNECTIONS} connections, ${DURATION_SEC} s after a ${WARMUP_SEC} s warm-up, log level ${logLevel}, ` +
        `requests rotating over ${APPS} apps, multi-use signature verified on every request; 1-minute load average before the run: ${figures.load_avg_1m_before}.`,
      '',
      '| req/s | p50 ms | p97.5 ms | p99 ms | max ms | requests | errors | server CPU µs/request |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|',
      `| ${figures.req_per_sec} | ${figures.latency_p50_ms} | ${figures.latency_p97_5_ms} | ${figures.latency_p99_ms} | ${figures.latency_max_ms} | ${figures.requests_total} | ${figures.errors} | ${figures.server_cpu_us_per_request} |`,
    ].join('\n');
    return { title: 'API: livegetfour throughput and latency', markdown, figures };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function childAddress(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    child.once('message', (m: { address?: string }) => (m.address ? resolve(m.address) : reject(new Error('bench: child sent no address'))));
    child.once('exit', (code) => reject(new Error(`bench: server child exited early (code ${code})`)));
  });
}

function childCpu(child: ChildProcess): Promise<NodeJS.CpuUsage> {
  return new Promise((resolve) => {
    child.once('message', (m: { cpu?: NodeJS.CpuUsage }) => resolve(m.cpu ?? { user: 0, system: 0 }));
    child.send('cpu');
  });
}

/**
 * The inference workers load their models when the server starts; that CPU would be counted
 * against the requests, so wait until the server process uses under 5% of a core.
 */
async function waitUntilIdle(child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 180_000;
  let last = await childCpu(child);
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = await childCpu(child);
    const usedMs = (now.user + now.system - last.user - last.system) / 1000;
    // The profiler's own sampling keeps a profiled server above 5%.
    if (usedMs < (process.env.BENCH_PROFILE_DIR ? 400 : 50)) return;
    last = now;
  }
  throw new Error('bench: the server did not become idle within 180 s');
}

/** The child: exactly what `livecheck serve` runs, on a free loopback port. */
async function serveChild(): Promise<void> {
  const { startService } = await import('../cli/commands/serve.js');
  const config = loadConfig({ overrides: { host: '127.0.0.1', port: 0, workers: Number(process.env.LIVECHECK_WORKERS) || 1 } });
  const service = await startService(config);
  process.send?.({ address: service.address });
  // Whole process; the inference worker threads sit idle once their models are loaded (warm-up).
  process.on('message', (m) => {
    if (m === 'cpu') process.send?.({ cpu: process.cpuUsage() });
  });
  process.once('SIGTERM', () => void service.close().then(() => process.exit(0)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--serve-child')) {
    await serveChild();
  } else {
    const r = await benchApi();
    console.log(`## ${r.title}\n\n${r.markdown}\n`);
    console.log(JSON.stringify(r.figures));
  }
}
