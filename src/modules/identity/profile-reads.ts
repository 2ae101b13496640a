import DataLoader from 'dataloader';
import type { AnyDb } from '../../platform/db.js';
import { findProfilesByIds } from './repository.js';
import type { ProfileRow } from './tables.js';

/** Most ids one coalesced read asks for; a larger turn is split into several statements. */
const MAX_BATCH = 256;

/**
 * Profile reads by id, coalesced: the reads asked for in one turn of the event loop (every request
 * parsed in one poll phase, hence `setImmediate`) share one `where id = any($1)` statement, so 50
 * concurrent `GET /v1/me` cost one round trip instead of 50.
 *
 * Nothing is cached (`cache: false`): a batch's statement is sent after every read in it was
 * asked for and its rows serve only that batch, so an answer is never older than its request and a
 * profile change (or a disabled account) shows on the next read, as with one statement per read.
 */
export type ProfileReader = DataLoader<string, ProfileRow | undefined>;

export function createProfileReader(db: AnyDb): ProfileReader {
  return new DataLoader<string, ProfileRow | undefined>((ids) => findProfilesByIds(db, ids), {
    cache: false,
    maxBatchSize: MAX_BATCH,
    batchScheduleFn: (run) => setImmediate(run),
  });
}
