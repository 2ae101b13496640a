/**
 * Identity benchmark: `GET /v1/me` (JWT verify + one indexed read) and `POST /v1/auth/login`
 * (argon2id verify) against Agora on PostgreSQL, next to a bare Fastify route in the same run.
 * Also measures restart-to-first-request and idle memory. Run: `npm run bench:identity`.
 */
import { buildBundle, freshDatabase, load, report, rssMb, startProcess } from './lib.js';

const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);

buildBundle();

const bare = await startProcess(
  ['--import', 'tsx', 'bench/bare-server.ts'],
  { PORT: '3901' },
  'http://127.0.0.1:3901',
  '/',
);
const baseline = await load('bare Fastify GET /', { url: bare.url, connections, duration });
await bare.stop();

const databaseUrl = await freshDatabase('agora_bench_identity');
const env = {
  DATABASE_URL: databaseUrl,
  PORT: '3902',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  NODE_ENV: 'production',
  AGORA_SEED_DEMO: 'false',
  AGORA_RATE_LIMIT: 'false',
  AGORA_RATE_LIMIT_AUTH_MAX: '100000000',
  AGORA_LOGIN_MAX_FAILURES: '1000',
  AGORA_MAX_EVENT_LOOP_DELAY_MS: '0',
};
const first = await startProcess(['bin/agora.js', 'start'], env, 'http://127.0.0.1:3902');
await first.stop();
const agora = await startProcess(['bin/agora.js', 'start'], env, 'http://127.0.0.1:3902');
await new Promise((r) => setTimeout(r, 2_000));
const idleMb = rssMb(agora.child.pid!);

const reg = await fetch(`${agora.url}/v1/auth/register`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    email: 'bench@example.test',
    password: 'correct horse battery staple',
    name: 'Bench',
  }),
});
const { accessToken } = (await reg.json()) as { accessToken: string };

const me = await load('GET /v1/me', {
  url: `${agora.url}/v1/me`,
  connections,
  duration,
  headers: { authorization: `Bearer ${accessToken}` },
});
const login = await load('POST /v1/auth/login', {
  url: `${agora.url}/v1/auth/login`,
  connections: 8,
  duration,
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ email: 'bench@example.test', password: 'correct horse battery staple' }),
});
const loadedMb = rssMb(agora.child.pid!);
await agora.stop();

const table = report([me, login], baseline);
console.log(
  `\n${new Date().toISOString().slice(0, 10)} identity benchmark, ${connections} connections (login: 8), ${duration} s each\n`,
);
console.log(table);
console.log(
  `\nrestart to first request (PostgreSQL, migrated): ${Math.round(agora.startMs)} ms (process spawn included)`,
);
console.log(`RSS idle after start: ${idleMb} MB; after load: ${loadedMb} MB`);
