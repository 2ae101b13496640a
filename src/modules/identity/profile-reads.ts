import DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';
import type { AnyDb } from '../../platform/db.js';
import { findProfilesByIds } from './repository.js';
import type { ProfileRow } from './tables.js';

/** Most ids one coalesced read asks for; a larger turn is split into several statements. */
const MAX_BATCH = 256;
/**
 * How long a process answers a profile from its own copy. A change made through this process is
 * seen at once (`changed`); one made by another process (or `agora admin create`) after at most this.
 */
export const PROFILE_FRESH_MS = 1_000;

/**
 * Profile reads by id for `GET /v1/me`, the route every signed-in page calls.
 *
 * Reads are coalesced: those asked for in one turn of the event loop (every request parsed in one
 * poll phase, hence `setImmediate`) share one `where id = any($1)` statement, so 50 concurrent
 * misses cost one round trip instead of 50. A batch's statement is sent after every read in it
 * was asked for, so what it returns is never older than the request.
 *
 * Then a profile is kept for PROFILE_FRESH_MS. `changed(id)` drops it once a change has
 * committed, and a read that began before any change is not kept, so this process never serves a
 * profile older than its last change: a renamed user sees the new name on the next read.
 */
export class ProfileReads {
  private readonly loader: DataLoader<string, ProfileRow | undefined>;
  private readonly fresh = new LRUCache<string, { row: ProfileRow | undefined }>({
    max: 10_000,
    ttl: PROFILE_FRESH_MS,
  });
  /** Counts changes, so a read that overlapped one is not kept. */
  private changes = 0;

  constructor(db: AnyDb) {
    this.loader = new DataLoader((ids) => findProfilesByIds(db, ids), {
      cache: false,
      maxBatchSize: MAX_BATCH,
      batchScheduleFn: (run) => setImmediate(run),
    });
  }

  async get(id: string): Promise<ProfileRow | undefined> {
    const kept = this.fresh.get(id);
    if (kept) return kept.row;
    const before = this.changes;
    const row = await this.loader.load(id);
    if (before === this.changes) this.fresh.set(id, { row });
    return row;
  }

  /** Call after a change to the account committed. */
  changed(id: string): void {
    this.changes++;
    this.fresh.delete(id);
  }
}
