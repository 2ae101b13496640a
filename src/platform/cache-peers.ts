import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { MemoryCache } from './cache.js';
import type { Database } from './db.js';
import type { Logger } from './logger.js';

export const CACHE_CHANNEL = 'agora_cache';
/**
 * Deletes are gathered this long before they are sent: under load a process bumps generations
 * many times a second (every stock change of a checkout), and one NOTIFY per turn of the event
 * loop cost ~14 statements per checkout; this caps them at 50 a second, for 20 ms more staleness
 * in the other processes.
 */
const GATHER_MS = 20;
/** NOTIFY's payload must stay under 8,000 bytes. */
const MAX_PAYLOAD = 7_000;

/**
 * Keeps the memory caches of processes that share a PostgreSQL database (and no Redis) in step:
 * the keys one process deletes (read caches' generation tags, see near-cache.ts) are sent to the
 * others by NOTIFY, gathered for GATHER_MS, and dropped there. A lost listener
 * connection drops everything once it is back, since what was sent meanwhile is gone. Without it
 * a change made through one process would show in the others only when their entries expire.
 * Resolves to a function that stops following the others.
 */
export async function shareMemoryCache(
  cache: MemoryCache,
  database: Database,
  log: Logger,
): Promise<() => Promise<void>> {
  // a process hears its own notifications too; they carry its origin so it can skip them
  const origin = randomBytes(6).toString('hex');
  let pending = new Set<string>();
  let closed = false;

  const send = (keys: string[]) => {
    sql`select pg_notify(${CACHE_CHANNEL}, ${JSON.stringify({ from: origin, keys })})`
      .execute(database.db)
      .catch((err: unknown) => {
        if (!closed)
          log.warn({ err: (err as Error).message }, 'cache invalidation not sent to other processes');
      });
  };
  const flush = () => {
    const keys = [...pending];
    pending = new Set();
    let batch: string[] = [];
    let size = 0;
    for (const k of keys) {
      const bytes = Buffer.byteLength(JSON.stringify(k)) + 1;
      if (batch.length && size + bytes > MAX_PAYLOAD) {
        send(batch);
        batch = [];
        size = 0;
      }
      batch.push(k);
      size += bytes;
    }
    if (batch.length) send(batch);
  };

  cache.shareDeletesWith({
    publish(keys) {
      if (closed) return;
      if (!pending.size) setTimeout(flush, GATHER_MS).unref();
      for (const k of keys) pending.add(k);
    },
  });

  const unlisten = await database.listen(CACHE_CHANNEL, (payload) => {
    if (payload === undefined) return cache.dropFromPeer();
    try {
      const msg = JSON.parse(payload) as { from?: unknown; keys?: unknown };
      if (msg.from === origin) return;
      if (Array.isArray(msg.keys))
        cache.dropFromPeer(msg.keys.filter((k): k is string => typeof k === 'string'));
    } catch {
      log.warn({ channel: CACHE_CHANNEL }, 'unreadable cache invalidation ignored');
    }
  });
  return async () => {
    closed = true;
    await unlisten();
  };
}
