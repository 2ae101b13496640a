/** Shared pieces of the benchmarks: processes, load runs, reporting. */
import autocannon from 'autocannon';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { RECURRING_KEY } from '../src/platform/jobs/runner.js';

export const root = path.resolve(import.meta.dirname, '..');
export const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The node flags `npm start` and bin/agora.js's shebang give the server; every server here gets them. */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=32'];

/** BENCH_SERVER_NODE_ARGS: extra node flags for the Agora under test, e.g. `--cpu-prof`. */
export const benchServerNodeArgs = (): string[] =>
  (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);

/** Builds what `agora start` runs (bin/agora.js): the bundle of the current sources. */
export function buildBundle(): void {
  execFileSync(process.execPath, [path.join(root, 'scripts/bundle.mjs')], { cwd: root, stdio: 'inherit' });
}

/** A TCP port nothing listens on right now (the kernel's pick). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface Server {
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

/** Starts `node <args>` and resolves once `url` + `readyPath` answers 200. */
export async function startProcess(
  args: string[],
  env: Record<string, string>,
  url: string,
  readyPath = '/healthz',
): Promise<Server & { startMs: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...args], {
    cwd: root,
    // an empty value unsets the variable (a server without Redis must not inherit REDIS_URL)
    env: Object.fromEntries(Object.entries({ ...process.env, ...env }).filter(([, v]) => v !== '')),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // BENCH_SERVER_LOG: a file the server's log lines are appended to (they are dropped otherwise)
  const log = process.env.BENCH_SERVER_LOG;
  if (log) child.stdout.pipe(createWriteStream(log, { flags: 'a' }));
  else child.stdout.resume();
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
    try {
      const res = await fetch(url + readyPath, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`${args.join(' ')} did not become ready`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const startMs = performance.now() - started;
  return {
    child,
    url,
    startMs,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * How fast this machine's cores are right now: ms for a fixed loop of 10^8 integer steps (best of
 * three). Runs of different days land on machines that differ by 2-3x; printed beside a result, it
 * says which machine a number came from. Lower is faster.
 */
export function cpuProbeMs(): number {
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    const t0 = performance.now();
    let x = 0;
    for (let i = 0; i < 100_000_000; i++) x = (x + i) | 0;
    best = Math.min(best, performance.now() - t0);
    if (x === 42) console.log(''); // keeps the loop from being optimised away
  }
  return Math.round(best);
}

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

export interface LoadResult {
  name: string;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  non2xx: number;
}

export async function load(
  name: string,
  opts: {
    url: string;
    connections: number;
    duration: number;
    method?: 'GET' | 'POST';
    headers?: Record<string, string>;
    body?: string;
  },
): Promise<LoadResult> {
  const result = await autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.duration,
    method: opts.method ?? 'GET',
    headers: opts.headers,
    body: opts.body,
  });
  return {
    name,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p95: result.latency.p97_5 ?? result.latency.p99, // autocannon reports p97.5, not p95
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

export function report(results: LoadResult[], baseline: LoadResult): string {
  const lines = [
    '| scenario | req/s | vs bare | p50 ms | p97.5 ms | p99 ms | errors | non-2xx |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...[baseline, ...results].map(
      (r) =>
        `| ${r.name} | ${r.rps} | ${Math.round((r.rps / baseline.rps) * 100)} % | ${r.p50} | ${r.p95} | ${r.p99} | ${r.errors} | ${r.non2xx} |`,
    ),
  ];
  return lines.join('\n');
}

export async function freshDatabase(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}

/**
 * Waits until Agora's background has caught up: the outbox relayed and no job due (recurring ones
 * aside). `query` runs a statement on the bench's database. Returns the seconds it waited.
 */
export async function drainBackground(
  query: (text: string, values: unknown[]) => Promise<{ rows: { n: number | string }[] }>,
  timeoutMs = 120_000,
): Promise<number> {
  const started = performance.now();
  for (;;) {
    const { rows } = await query(
      `select (select count(*) from platform.outbox where sent_at is null)
            + (select count(*) from platform.jobs
                where status = 'pending' and run_at <= now() and key is distinct from $1) as n`,
      [RECURRING_KEY],
    );
    if (Number(rows[0].n) === 0 || performance.now() - started > timeoutMs) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return (performance.now() - started) / 1000;
}

/** CPU time (user + system, ms) of the processes named, from /proc: who used the cores in a run. */
export interface CpuSample {
  at: number;
  /** ms of CPU per group */
  groups: Record<string, number>;
  /** read and write system calls of the first process named */
  syscalls: { reads: number; writes: number };
  /** ms of busy and of all CPU time of the machine (every core) */
  busy: number;
  total: number;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

function procCpuMs(pid: number | string): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0; // the process ended between listing and reading
  }
}

/**
 * CPU (ms) of each thread of a process: `main` (the event loop), then the others by thread id
 * (Node 20 names them all `node`: V8's helpers, libuv's pool, worker threads).
 */
export function threadCpuMs(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const name = tid === String(pid) ? 'main' : `${comm} ${tid}`;
      out[name] = procCpuMs(`${pid}/task/${tid}`);
    } catch {
      // the thread ended between listing and reading
    }
  }
  return out;
}

/** "main 40 µs, node 1234 15 µs, …" per `unit` between two `threadCpuMs` samples, largest first. */
export function threadReport(a: Record<string, number>, b: Record<string, number>, units: number): string {
  return Object.keys(b)
    .map((k) => [k, ((b[k] - (a[k] ?? 0)) * 1000) / units] as const)
    .filter(([, us]) => us >= 0.5)
    .sort((x, y) => y[1] - x[1])
    .map(([k, us]) => `${k} ${Math.round(us)} µs`)
    .join(', ');
}

/** The CPU of `pids` (a name each) and of every process whose command is one of `commands`. */
export function cpuSample(
  pids: Record<string, number>,
  commands: string[] = ['postgres', 'redis-server'],
): CpuSample {
  const groups: Record<string, number> = {};
  for (const [name, pid] of Object.entries(pids)) groups[name] = procCpuMs(pid);
  const first = Object.values(pids)[0];
  const io = first === undefined ? '' : readFileSync(`/proc/${first}/io`, 'utf8');
  const syscalls = {
    reads: Number(/syscr: (\d+)/.exec(io)?.[1] ?? 0),
    writes: Number(/syscw: (\d+)/.exec(io)?.[1] ?? 0),
  };
  for (const c of commands) groups[c] = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let comm: string;
    try {
      comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (commands.includes(comm)) groups[comm] += procCpuMs(entry);
  }
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
  const idle = cpu[3] + cpu[4]; // idle + iowait
  const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
  return { at: performance.now(), groups, syscalls, busy: (total - idle) * TICK_MS, total: total * TICK_MS };
}

/**
 * "server 41 µs, simulator 38 µs, … per <unit>; machine busy 97 %; server system calls 2.1 reads,
 * 1.9 writes per <unit>" between two samples.
 */
export function cpuReport(a: CpuSample, b: CpuSample, units: number, unit: string): string {
  const per = Object.keys(b.groups)
    .map((k) => `${k} ${Math.round(((b.groups[k] - (a.groups[k] ?? 0)) * 1000) / units)} µs`)
    .join(', ');
  const busy = Math.round(((b.busy - a.busy) / Math.max(1, b.total - a.total)) * 100);
  const [firstName] = Object.keys(b.groups);
  const calls = (n: number) => (n / units).toFixed(2);
  return `CPU per ${unit}: ${per}; machine busy ${busy} %; ${firstName} system calls per ${unit}: ${calls(b.syscalls.reads - a.syscalls.reads)} reads, ${calls(b.syscalls.writes - a.syscalls.writes)} writes`;
}
