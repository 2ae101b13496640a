/**
 * Event bus benchmark: `npm run bench:events`.
 *
 * Against the machine's PostgreSQL and RabbitMQ (a fresh database and a unique exchange prefix,
 * both removed afterwards), it measures:
 *  1. relay throughput: 20,000 events already in the outbox, drained to the broker (publisher
 *     confirms, rows marked sent);
 *  2. end-to-end throughput: 20,000 events inserted in 200-event transactions while the relay and
 *     a consumer run, until the consumer applied the last one (inbox row + handler per event);
 *  3. commit-to-consume latency at ~1,000 events/s for 10 s: a separate writer process
 *     (bench/events-writer.ts) commits one event per transaction; latency runs from its commit
 *     returning to the handler running in the consumer (wall clock, same machine).
 * Prints the numbers and appends a dated entry to bench/RESULTS.md.
 */
import pg from 'pg';
import { appendFile } from 'node:fs/promises';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { createAgora, type Agora } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';
import { publishEvents } from '../src/platform/events/outbox.js';

const PG = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const AMQP = process.env.BENCH_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const N = Number(process.env.BENCH_EVENTS ?? 20_000);
const RATE = Number(process.env.BENCH_RATE ?? 1_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function main() {
  const dbName = `agora_bench_${randomBytes(4).toString('hex')}`;
  await withAdmin((c) => c.query(`create database ${dbName}`));
  const url = new URL(PG);
  url.pathname = `/${dbName}`;
  const config = loadConfig(
    {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: url.toString(),
      DATABASE_POOL_MAX: '20',
      AMQP_URL: AMQP,
      AMQP_PREFIX: `bench${randomBytes(3).toString('hex')}`,
      AGORA_EVENTS_PREFETCH: '100',
      AGORA_EVENTS_BATCH: '500',
      AGORA_EVENTS_RELAY_LANES: process.env.AGORA_EVENTS_RELAY_LANES ?? '2',
      AGORA_SEED_DEMO: 'false',
      AGORA_DATA_DIR: os.tmpdir(),
    },
    { dotenv: false },
  );
  let agora: Agora | undefined;
  try {
    agora = await createAgora(config);
    const db = agora.rt.database.db;
    const appliedAt = new Map<string, number>();
    const latencies: number[] = [];
    let applied = 0;
    let lastAppliedAt = 0;
    agora.bus.subscribe({
      consumer: 'bench.sink',
      types: ['bench.tick'],
      handle: async (event) => {
        applied++;
        lastAppliedAt = performance.now();
        appliedAt.set(event.id, performance.timeOrigin + performance.now());
      },
    });

    const insert = async (count: number, perTx: number) => {
      for (let done = 0; done < count; done += perTx) {
        const n = Math.min(perTx, count - done);
        await db.transaction().execute((trx) =>
          publishEvents(
            trx,
            { source: '/agora/bench' },
            Array.from({ length: n }, (_, i) => ({
              type: 'bench.tick',
              data: { i: done + i, pad: 'x'.repeat(200) },
            })),
          ),
        );
      }
    };
    const unsent = async () =>
      (
        await sql<{
          n: number;
        }>`select count(*)::int as n from platform.outbox where sent_at is null`.execute(db)
      ).rows[0].n;

    // 1. Relay only: the consumer is declared (so messages are routed) but the relay drains a backlog.
    await insert(N, 500);
    const relayStart = performance.now();
    await agora.startBackground();
    while ((await unsent()) > 0) await sleep(20);
    const relaySeconds = (performance.now() - relayStart) / 1000;
    while (applied < N) await sleep(20);
    const backlogConsumeSeconds = (lastAppliedAt - relayStart) / 1000;

    // 2. End to end with everything running.
    applied = 0;
    const e2eStart = performance.now();
    await insert(N, 200);
    while (applied < N) await sleep(5);
    const e2eSeconds = (lastAppliedAt - e2eStart) / 1000;

    // 3. Latency at a steady rate: a writer process (as an API process would be) commits RATE
    // single-event transactions per second; latency runs from its commit to the handler here.
    applied = 0;
    const writer = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(new URL('./events-writer.ts', import.meta.url)),
        url.toString(),
        String(RATE),
        String(SECONDS),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    writer.stdout.on('data', (c: Buffer) => (output += c.toString()));
    const code = await new Promise<number | null>((resolve) => writer.on('close', resolve));
    if (code !== 0) throw new Error(`the writer process failed (${code})`);
    const commits = output
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('rate '))
      .map((l) => l.split(' ') as [string, string]);
    const achievedRate = Number(/rate ([\d.]+)/.exec(output)?.[1] ?? NaN);
    const sent = commits.length;
    while (applied < sent) await sleep(10);
    for (const [id, t] of commits) {
      const a = appliedAt.get(id);
      if (a !== undefined) latencies.push(a - Number(t));
    }
    latencies.sort((a, b) => a - b);
    const result = {
      relayPerSecond: Math.round(N / relaySeconds),
      backlogConsumedPerSecond: Math.round(N / backlogConsumeSeconds),
      e2ePerSecond: Math.round(N / e2eSeconds),
      achievedRate: Math.round(achievedRate),
      p50: pct(latencies, 50),
      p95: pct(latencies, 95),
      p99: pct(latencies, 99),
      samples: latencies.length,
    };
    const lines = [
      `relay throughput (backlog of ${N}, publish + confirms + mark sent): ${result.relayPerSecond} events/s`,
      `consumer throughput on that backlog (inbox + handler per event): ${result.backlogConsumedPerSecond} events/s`,
      `end to end (insert in 200-event transactions -> applied): ${result.e2ePerSecond} events/s`,
      `commit -> consume latency at ${result.achievedRate} events/s for ${SECONDS} s (${result.samples} events): ` +
        `p50 ${result.p50.toFixed(1)} ms, p95 ${result.p95.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms`,
    ];
    lines.push(
      `load average (1/5/15 min): ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' / ')}`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);
    const entry = [
      `\n## ${new Date().toISOString().slice(0, 10)} — event bus (bench/events.ts)`,
      '',
      `Machine: ${os.cpus().length} CPU (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}; ` +
        `PostgreSQL and RabbitMQ on the same machine; load average at the end ${os
          .loadavg()
          .map((l) => l.toFixed(1))
          .join(' / ')} (the machine is shared). Command: \`npm run bench:events\`.`,
      'Goals: ≥5,000 events/s through the relay; p99 ≤100 ms commit-to-consume at 1,000 events/s.',
      '',
      ...lines.map((l) => `- ${l}`),
      '',
    ].join('\n');
    await appendFile(new URL('./RESULTS.md', import.meta.url), entry);
  } finally {
    if (agora) {
      const broker = agora.bus.broker;
      const queues = broker?.queueNames() ?? [];
      const exchange = broker?.exchange;
      await agora.close();
      if (exchange) {
        const amqp = await import('amqplib');
        const conn = await amqp.connect(AMQP, { timeout: 2_000 });
        const ch = await conn.createChannel();
        for (const q of queues) await ch.deleteQueue(q);
        await ch.deleteExchange(exchange);
        await conn.close();
      }
    }
    await withAdmin((c) => c.query(`drop database if exists ${dbName} with (force)`));
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(
      `bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
