/**
 * Restart to first request: starts Agora on an already-migrated database and times the first 200
 * from /healthz, several times; also the resident memory once idle. Run: `npm run bench:startup`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildBundle, freshDatabase, rssMb, startProcess } from './lib.js';

const runs = Number(process.env.BENCH_RUNS ?? 5);
buildBundle();

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'agora-startup-'));
const modes: [string, Record<string, string>][] = [
  ['PostgreSQL', { DATABASE_URL: await freshDatabase('agora_bench_startup') }],
  ['embedded (PGlite)', { AGORA_DATA_DIR: dataDir }],
];
const base = {
  PORT: '3903',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  NODE_ENV: 'production',
  AGORA_SEED_DEMO: 'false',
};

console.log(
  `\n${new Date().toISOString().slice(0, 10)} restart to first request (${runs} runs each; the first start, which creates the database, is not counted)\n`,
);
console.log('| database | min ms | median ms | max ms | idle RSS MB |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const [name, env] of modes) {
  const first = await startProcess(['bin/agora.js', 'start'], { ...base, ...env }, 'http://127.0.0.1:3903');
  await first.stop();
  const times: number[] = [];
  let rss = 0;
  for (let i = 0; i < runs; i++) {
    const server = await startProcess(
      ['bin/agora.js', 'start'],
      { ...base, ...env },
      'http://127.0.0.1:3903',
    );
    times.push(server.startMs);
    if (i === runs - 1) {
      await new Promise((r) => setTimeout(r, 3_000));
      rss = rssMb(server.child.pid!);
    }
    await server.stop();
  }
  times.sort((a, b) => a - b);
  const ms = (v: number) => Math.round(v);
  console.log(
    `| ${name} | ${ms(times[0])} | ${ms(times[Math.floor(times.length / 2)])} | ${ms(times.at(-1)!)} | ${rss} |`,
  );
}
rmSync(dataDir, { recursive: true, force: true });
