/**
 * The writer side of bench/events.ts, in its own process as an API process would be: commits
 * single-event transactions at a steady rate and prints `<eventId> <epoch ms at commit>` per event.
 * Usage: tsx bench/events-writer.ts <databaseUrl> <eventsPerSecond> <seconds>
 */
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import { publishEvents } from '../src/platform/events/outbox.js';

const [url, rateArg, secondsArg] = process.argv.slice(2);
const rate = Number(rateArg);
const seconds = Number(secondsArg);
const now = () => performance.timeOrigin + performance.now();

async function main() {
  const db = new Kysely<unknown>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 20 }) }),
  });
  const perTick = Math.max(1, Math.round(rate / 100));
  const started = performance.now();
  const out: string[] = [];
  const inFlight: Promise<void>[] = [];
  for (let t = 0; t < seconds * 100; t++) {
    const wait = started + t * 10 - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    for (let k = 0; k < perTick; k++) {
      inFlight.push(
        db
          .transaction()
          .execute((trx) =>
            publishEvents(trx, { source: '/agora/bench' }, [{ type: 'bench.tick', data: { k } }]),
          )
          .then(([id]) => {
            out.push(`${id} ${now()}`);
          }),
      );
    }
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  await db.destroy();
  process.stdout.write(`${out.join('\n')}\nrate ${out.length / elapsed}\n`);
}

void main();
