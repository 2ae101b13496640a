/**
 * Access tokens' first use (`npm run bench:tokens`): the process that signed a token knows it, so
 * its first request there checks no signature; any other process checks it (RS256, on identity's
 * signature thread). Both are measured in the same run on one PostgreSQL database: 3,000 tokens
 * signed by one identity module and verified, first by the signer one at a time, then by a second
 * module all at once (as a crowd of new tokens arrives). Prints µs per token: wall time, and CPU of
 * the whole process (both threads) for the second.
 *
 * Environment: BENCH_PG_URL (admin URL), BENCH_TOKENS (3000).
 */
import { randomUUID } from 'node:crypto';
import { migrate } from '../src/app.js';
import { createIdentityModule } from '../src/modules/identity/index.js';
import { loadConfig } from '../src/platform/config.js';
import { createRuntime } from '../src/platform/runtime.js';
import { dropDatabase, freshDatabase } from './lib.js';

const N = Number(process.env.BENCH_TOKENS ?? 3_000);
const name = 'agora_bench_tokens';
const rt = await createRuntime(
  loadConfig(
    { DATABASE_URL: await freshDatabase(name), LOG_LEVEL: 'error', NODE_ENV: 'production' },
    { dotenv: false },
  ),
);
try {
  await migrate(rt);
  const signer = await createIdentityModule(rt);
  const other = await createIdentityModule(rt);
  // the first round warms the JIT and starts the signature thread; the second is the one to read
  for (let round = 1; round <= 2; round++) {
    const tokens = await Promise.all(
      Array.from({ length: N }, (_, i) => signer.tokens.sign({ id: randomUUID(), role: 'buyer' }, `s${i}`)),
    );
    let t0 = performance.now();
    for (const t of tokens) await signer.tokens.verifyAccessToken(t);
    const known = ((performance.now() - t0) * 1000) / N;
    const cpu0 = process.cpuUsage();
    t0 = performance.now();
    await Promise.all(tokens.map((t) => other.tokens.verifyAccessToken(t)));
    const wall = ((performance.now() - t0) * 1000) / N;
    const cpu = process.cpuUsage(cpu0);
    console.log(
      `round ${round}: first use where it was signed ${known.toFixed(2)} µs per token; ` +
        `elsewhere (signature checked, ${N} at once) ${wall.toFixed(1)} µs wall, ` +
        `${((cpu.user + cpu.system) / N).toFixed(1)} µs CPU per token`,
    );
  }
} finally {
  await rt.close();
  await dropDatabase(name);
}
process.exit(0); // identity's signature thread stops on its own after 30 s idle
