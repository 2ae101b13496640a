import { uuidv7 } from '../../platform/ids.js';
import type { AnyDb } from '../../platform/db.js';
import {
  HoldNotActiveError,
  HoldNotFoundError,
  InvalidStockLinesError,
  LevelOutOfRangeError,
  OutOfStockError,
  UnknownSkuError,
} from './errors.js';
import type { StockLine } from './events.js';
import * as sales from './commit-repository.js';
import * as holds from './hold-repository.js';
import {
  available,
  bySku,
  compareSku,
  publishChanges,
  record,
  type LevelChange,
  type Trx,
} from './ledger.js';
import { claimRestockKey } from './once-repository.js';
import * as repo from './repository.js';
import type { HoldStatus, RefKind } from './tables.js';

export interface Hold {
  id: string;
  lines: StockLine[];
  expiresAt: Date | null;
  status: HoldStatus;
  ref: { kind: RefKind; id: string };
}

export interface ReserveInput {
  lines: StockLine[];
  ref: { kind: RefKind; id: string };
  expiresAt: Date | null;
  correlationId?: string;
}

const holdCause = (id: string) => ({ kind: 'hold', id });
const linesOf = (entries: [string, number][]): StockLine[] =>
  entries.map(([sku, quantity]) => ({ sku, quantity }));

/** The ledger rows of units reserved for hold `holdId`: one per line. */
function reservedMovements(
  lines: [string, number][],
  holdId: string,
  reason: string,
  orderId: string | null,
  correlationId: string | null,
) {
  return lines.map(([sku, q]) => ({
    sku,
    locationId: null,
    kind: 'reservation' as const,
    deltaOnHand: 0,
    deltaReserved: q,
    reason,
    cause: holdCause(holdId),
    orderId,
    correlationId,
  }));
}

/**
 * Reserves every line or none. Per SKU, in SKU order, one conditional UPDATE
 * (`reserved = reserved + q WHERE on_hand - reserved >= q`); the last one also writes the hold,
 * its ledger rows and the low-stock flags when every line got its units (`reserveLastAndHold`);
 * then the events. When any line is short, the units taken for the others are given back in the
 * same transaction (so a caller that catches the error keeps a clean transaction) and the error
 * names every short line.
 * @throws OutOfStockError, InvalidStockLinesError
 */
export async function reserve(trx: Trx, input: ReserveInput): Promise<Hold> {
  const wanted = bySku(input.lines);
  if (!wanted.length) throw new InvalidStockLinesError('at least one line is needed');
  const id = uuidv7();
  const reason = `reserved for ${input.ref.kind} ${input.ref.id}`;
  const correlationId = input.correlationId ?? null;
  const hold = {
    id,
    ref: input.ref,
    expiresAt: input.expiresAt,
    correlationId,
    lines: wanted,
    // written only when every line is reserved: one row per line
    movements: reservedMovements(
      wanted,
      id,
      reason,
      input.ref.kind === 'order' ? input.ref.id : null,
      correlationId,
    ),
  };
  const taken: [string, number, repo.Level][] = [];
  const short: [string, number][] = [];
  let flipped: repo.LowStockFlip[] = [];
  for (const [i, [sku, q]] of wanted.entries()) {
    let level: repo.Level | undefined;
    if (i === wanted.length - 1 && !short.length) {
      const done = await holds.reserveLastAndHold(trx, [sku, q], hold);
      level = done?.level;
      flipped = done?.flipped ?? [];
    } else level = await repo.reserveUnits(trx, sku, q);
    if (level) taken.push([sku, q, level]);
    else short.push([sku, q]);
  }
  if (short.length) await refuseShort(trx, taken, short);
  await publishChanges(trx, input.correlationId, {
    changes: taken.map(([, q, level]) => ({
      level,
      availableBefore: available(level) + q,
      cause: 'reservation',
    })),
    flipped,
  });
  return { id, lines: linesOf(wanted), expiresAt: input.expiresAt, status: 'held', ref: input.ref };
}

/**
 * All or nothing: gives back the units `taken` for the other lines (in the same transaction) and
 * throws the error that names every `short` line with what is available of it.
 * @throws OutOfStockError, always
 */
async function refuseShort(
  trx: Trx,
  taken: [string, number, repo.Level][],
  short: [string, number][],
): Promise<never> {
  for (const [sku, q] of taken) await repo.unreserveUnits(trx, sku, q);
  const left = await repo.availableOf(
    trx,
    short.map(([sku]) => sku),
  );
  throw new OutOfStockError(
    short.map(([sku, q]) => ({ sku, requested: q, available: Math.max(0, left.get(sku) ?? 0) })),
  );
}

/**
 * Adds units to a live hold (a flash sale offering more than it took at its start): all or
 * nothing, like `reserve` — per SKU, in SKU order, one conditional UPDATE
 * (`reserved = reserved + q WHERE on_hand - reserved >= q`); then the hold's lines grow (a SKU it
 * did not hold gets a line), with their ledger rows and events. When any line is short, the units
 * taken for the others are given back in the same transaction and the error names every short line.
 * @throws HoldNotFoundError; HoldNotActiveError when the hold is not live (released, committed,
 *   expired); OutOfStockError, InvalidStockLinesError
 */
export async function addToHold(
  trx: Trx,
  holdId: string,
  lines: StockLine[],
  correlationId?: string,
): Promise<void> {
  const wanted = bySku(lines);
  if (!wanted.length) throw new InvalidStockLinesError('at least one line is needed');
  const hold = await holds.lockHold(trx, holdId);
  if (!hold) throw new HoldNotFoundError();
  if (hold.status !== 'held') throw new HoldNotActiveError(holdId, `is ${hold.status}`);
  if (hold.expired) throw new HoldNotActiveError(holdId, 'has expired');
  const taken: [string, number, repo.Level][] = [];
  const short: [string, number][] = [];
  for (const [sku, q] of wanted) {
    const level = await repo.reserveUnits(trx, sku, q);
    if (level) taken.push([sku, q, level]);
    else short.push([sku, q]);
  }
  if (short.length) await refuseShort(trx, taken, short);
  await holds.growLines(trx, holdId, wanted);
  await record(trx, correlationId, {
    movements: reservedMovements(
      wanted,
      holdId,
      `added to the hold of ${hold.refKind} ${hold.refId}`,
      hold.refKind === 'order' ? hold.refId : null,
      correlationId ?? null,
    ),
    changes: taken.map(([, q, level]) => ({
      level,
      availableBefore: available(level) + q,
      cause: 'reservation',
    })),
  });
}

/** What to draw from a hold: the named lines (each at most what is still held), or all of it. */
function draw(held: holds.HoldLineRow[], lines: StockLine[] | undefined, strict: boolean, holdId: string) {
  const remaining = new Map(held.map((l) => [l.sku, l.remaining]));
  if (!lines)
    return held
      .filter((l) => l.remaining > 0)
      .map((l): [string, number] => [l.sku, l.remaining])
      .sort(([a], [b]) => compareSku(a, b));
  const out: [string, number][] = [];
  for (const [sku, q] of bySku(lines)) {
    const left = remaining.get(sku) ?? 0;
    if (strict && q > left) throw new HoldNotActiveError(holdId, `holds ${left} of ${sku}, not ${q}`);
    if (Math.min(q, left) > 0) out.push([sku, Math.min(q, left)]);
  }
  return out;
}

/**
 * Gives held units back (`reserved -= q`): the named lines, at most what each still holds, or
 * everything still held. Releasing a hold that holds nothing (released, committed) is a no-op.
 * @throws HoldNotFoundError
 */
export async function release(trx: Trx, holdId: string, reason: string, lines?: StockLine[]): Promise<void> {
  const hold = await holds.lockHold(trx, holdId);
  if (!hold) throw new HoldNotFoundError();
  if (hold.status !== 'held') return;
  const takes = draw(await holds.holdLines(trx, holdId), lines, false, holdId);
  if (!takes.length) return;
  await holds.drawDown(trx, holdId, takes);
  const changes: LevelChange[] = [];
  for (const [sku, q] of takes) {
    const level = await repo.unreserveUnits(trx, sku, q);
    if (!level) throw new Error(`inventory of ${sku} holds fewer reserved units than hold ${holdId}`);
    changes.push({ level, availableBefore: available(level) - q, cause: 'release' });
  }
  await holds.settleHolds(trx, [holdId]);
  await record(trx, null, {
    movements: takes.map(([sku, q]) => ({
      sku,
      locationId: null,
      kind: 'release',
      deltaOnHand: 0,
      deltaReserved: -q,
      reason,
      cause: holdCause(holdId),
      orderId: hold.refKind === 'order' ? hold.refId : null,
    })),
    changes,
  });
}

/**
 * Held units become sold ones (`on_hand -= q, reserved -= q`, taken from the default location
 * first): the named lines or everything still held. Once per (hold, order): the same order
 * committing again changes nothing; another order may commit what a partly committed hold still
 * holds (a flash-sale allocation).
 * @throws HoldNotFoundError; HoldNotActiveError when the hold was released, has expired, or holds
 *   fewer units than named
 */
export async function commit(
  trx: Trx,
  holdId: string,
  opts: { orderId: string; lines?: StockLine[]; correlationId?: string },
): Promise<void> {
  const found = await sales.lockForCommit(trx, holdId, opts.orderId);
  if (!found) throw new HoldNotFoundError();
  const { hold, lines } = found;
  // `recorded` comes from a snapshot older than the lock; `stale`: a commit may have finished since
  if (found.recorded || (found.stale && (await holds.commitRecorded(trx, holdId, opts.orderId)))) return;
  if (hold.status !== 'held') throw new HoldNotActiveError(holdId, `is ${hold.status}`);
  if (hold.expired) throw new HoldNotActiveError(holdId, 'has expired');
  const takes = draw(lines, opts.lines, true, holdId);
  if (!takes.length) throw new HoldNotActiveError(holdId, 'holds nothing to commit');
  const { levels, flipped } = await sales.sellHeld(trx, {
    holdId,
    orderId: opts.orderId,
    takes,
    reason: `sold to order ${opts.orderId}`,
    correlationId: opts.correlationId ?? null,
  });
  await publishChanges(trx, opts.correlationId, {
    changes: levels.map((level) => ({ level, availableBefore: available(level), cause: 'commit' })),
    flipped,
  });
}

/**
 * Returns sold units to stock (an order cancelled or refunded after commit): `on_hand += q` at the
 * default location, ledger kind `return`. Once per `key`.
 * @throws UnknownSkuError, InvalidStockLinesError; LevelOutOfRangeError past `MAX_LEVEL`
 */
export async function restock(
  trx: Trx,
  input: { lines: StockLine[]; reason: string; key: string; orderId?: string; correlationId?: string },
): Promise<void> {
  const lines = bySku(input.lines);
  if (!(await claimRestockKey(trx, input.key))) return;
  const changes: LevelChange[] = [];
  for (const [sku, q] of lines) {
    const level = await repo.changeOnHand(trx, sku, q);
    if (!level) {
      const item = await repo.findItem(trx, sku);
      throw item ? new LevelOutOfRangeError(item, q, repo.MAX_LEVEL) : new UnknownSkuError(sku);
    }
    await repo.addAtLocation(trx, sku, repo.DEFAULT_LOCATION, q);
    changes.push({ level, availableBefore: available(level) - q, cause: 'return' });
  }
  await record(trx, input.correlationId, {
    movements: lines.map(([sku, q]) => ({
      sku,
      locationId: repo.DEFAULT_LOCATION,
      kind: 'return',
      deltaOnHand: q,
      deltaReserved: 0,
      reason: input.reason,
      cause: { kind: 'restock', id: input.key },
      orderId: input.orderId ?? null,
    })),
    changes,
  });
}

/**
 * Moves a live hold's expiry (null: never expires), e.g. while a checkout that holds it is paying.
 * @throws HoldNotFoundError, HoldNotActiveError when it was released, committed or has expired
 */
export async function extend(trx: Trx, holdId: string, expiresAt: Date | null): Promise<void> {
  if (await holds.extendHold(trx, holdId, expiresAt)) return;
  const hold = await holds.lockHold(trx, holdId);
  if (!hold) throw new HoldNotFoundError();
  throw new HoldNotActiveError(holdId, hold.status === 'held' ? 'has expired' : `is ${hold.status}`);
}

/** A hold with the units it still holds per line (null when unknown). */
export async function getHold(
  db: AnyDb,
  holdId: string,
): Promise<(Hold & { remaining: StockLine[] }) | null> {
  const found = await holds.findHold(db, holdId);
  if (!found) return null;
  const { hold, lines } = found;
  return {
    id: hold.id,
    lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
    remaining: lines.map((l) => ({ sku: l.sku, quantity: l.remaining })),
    expiresAt: hold.expiresAt,
    status: hold.status,
    ref: { kind: hold.refKind, id: hold.refId },
  };
}
