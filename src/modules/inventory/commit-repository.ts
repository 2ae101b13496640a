import { sql, type RawBuilder } from 'kysely';
import type { AnyDb } from '../../platform/db.js';
import { pipelined } from '../../platform/pipelined.js';
import type { HoldLineRow, LockedHold } from './hold-repository.js';
import {
  DEFAULT_LOCATION,
  levelOf,
  lowStockFlipOf,
  lowStockRefreshSql,
  type Level,
  type LowStockFlip,
  type LowStockFlipRow,
} from './repository.js';
import type { HoldStatus, RefKind } from './tables.js';

/*
 * The commit's statements (`holds.commit`): a commit of n lines is n + 2 statements in two round
 * trips (the n + 1 writes are pipelined). Two rules shape them. Rows of `inventory.items` are
 * locked one statement per SKU, in SKU order (a single UPDATE over several rows locks them in no
 * promised order). And a statement's snapshot is taken before it waits for a lock, so what it
 * reads beside the row it waits for may be older than that row: whatever must be read fresh after
 * a lock is read by the next statement, or through a locking read (which returns the newest
 * version of a row).
 */

type Sql = RawBuilder<unknown>;

/**
 * The commit's first statement: locks the hold, then its lines (`FOR NO KEY UPDATE`, which returns
 * their newest versions, whatever committed while this waited for the hold), and reads whether
 * `orderId` committed the hold already. That read uses the snapshot taken before the hold's lock
 * was granted, so a commit that finished while this waited is not in it; but such a commit changed
 * the lines, and `stale` says so (the caller then asks again, `commitRecorded`).
 *
 *   with h as materialized (select ... from inventory.holds where id = $1 for update),
 *        l as materialized (select ... from inventory.hold_lines join h ... for no key update of hold_lines)
 *   select h.*, exists (hold_commits of $2) as recorded, l as lines, (l <> the snapshot's lines) as stale from h
 *
 * The lines join the locked hold, so none is locked before the hold (the order every writer of
 * lines follows).
 */
export async function lockForCommit(
  trx: AnyDb,
  holdId: string,
  orderId: string,
): Promise<{ hold: LockedHold; lines: HoldLineRow[]; recorded: boolean; stale: boolean } | undefined> {
  const { rows } = await sql<{
    id: string;
    ref_kind: RefKind;
    ref_id: string;
    status: HoldStatus;
    expires_at: Date | null;
    expired: boolean;
    recorded: boolean;
    lines: HoldLineRow[];
    stale: boolean;
  }>`
    with h as materialized (
      select id, ref_kind, ref_id, status, expires_at, coalesce(expires_at <= now(), false) as expired
        from inventory.holds where id = ${holdId} for update
    ), l as materialized (
      select hl.sku, hl.quantity, hl.remaining, hl.committed
        from inventory.hold_lines hl join h on h.id = hl.hold_id
         for no key update of hl
    )
    select h.id, h.ref_kind, h.ref_id, h.status, h.expires_at, h.expired,
           exists (select 1 from inventory.hold_commits c where c.hold_id = h.id and c.order_id = ${orderId})
             as recorded,
           (select coalesce(jsonb_agg(jsonb_build_object('sku', sku, 'quantity', quantity,
                      'remaining', remaining, 'committed', committed) order by sku), '[]'::jsonb)
              from l) as lines,
           exists (select 1 from inventory.hold_lines s left join l on l.sku = s.sku
                    where s.hold_id = h.id
                      and (l.sku is null or l.remaining <> s.remaining or l.committed <> s.committed)) as stale
      from h`.execute(trx);
  const r = rows[0];
  if (!r) return undefined;
  return {
    hold: {
      id: r.id,
      refKind: r.ref_kind,
      refId: r.ref_id,
      status: r.status,
      expiresAt: r.expires_at,
      expired: r.expired,
    },
    lines: r.lines,
    recorded: r.recorded,
    stale: r.stale,
  };
}

/** Records the commit, draws the lines down and settles the hold (its rows are locked already). */
function recordAndDraw(holdId: string, orderId: string, takes: [string, number][]): Sql[] {
  const json = JSON.stringify(takes.map(([sku, q]) => ({ sku, q })));
  return [
    sql`rec as (
      insert into inventory.hold_commits (hold_id, order_id) values (${holdId}::uuid, ${orderId}::text)
    )`,
    sql`drawn as (
      update inventory.hold_lines h
         set remaining = h.remaining - v.q, committed = h.committed + v.q
        from jsonb_to_recordset(${json}::jsonb) as v(sku text, q integer)
       where h.hold_id = ${holdId}::uuid and h.sku = v.sku and h.remaining >= v.q
      returning h.sku, h.remaining, h.committed
    )`,
    // a sibling sees the lines as they were; the drawn ones' new values come through RETURNING
    sql`settled as (
      update inventory.holds h
         set status = case when s.committed > 0 then 'committed' else 'released' end, updated_at = now()
        from (select sum(remaining) as remaining, sum(committed) as committed
                from (select remaining, committed from drawn
                      union all
                      select remaining, committed from inventory.hold_lines
                       where hold_id = ${holdId}::uuid and sku not in (select sku from drawn)) x) s
       where h.id = ${holdId}::uuid and s.remaining = 0 and h.status = 'held'
    )`,
  ];
}

/** Held units become sold: `on_hand -= q, reserved -= q` on one SKU's row (locking it). */
const sell = ([sku, q]: [string, number]): Sql => sql`sold as (
      update inventory.items
         set on_hand = on_hand - ${q}::integer, reserved = reserved - ${q}::integer, updated_at = now()
       where sku = ${sku}::text and reserved >= ${q}::integer
      returning sku, seller_id, on_hand, reserved, low_stock_threshold
    )`;

/**
 * Takes a sold SKU's units out of its locations, the default location first, then the others in
 * id order, with their ledger rows (written only when the locations held all `q` units). Only in
 * a statement after the one that locked the SKU's `items` row: its snapshot then shows the
 * locations as they are (every writer of a SKU's locations holds its `items` row).
 */
function takeFromLocations(
  [sku, q]: [string, number],
  ledger: { holdId: string; orderId: string; reason: string; correlationId: string | null },
): Sql[] {
  return [
    sql`levels as (
      select location_id, on_hand,
             sum(on_hand) over (order by location_id <> ${DEFAULT_LOCATION}::text, location_id
                                rows between unbounded preceding and current row) - on_hand as before
        from inventory.location_levels
       where sku = ${sku}::text and on_hand > 0
    )`,
    sql`takes as (
      select location_id, least(on_hand, ${q}::integer - before)::int as take from levels where before < ${q}::integer
    )`,
    sql`taken as (
      update inventory.location_levels l
         set on_hand = l.on_hand - takes.take
        from takes
       where l.sku = ${sku}::text and l.location_id = takes.location_id
      returning l.location_id, takes.take
    )`,
    sql`ledger as (
      insert into inventory.movements
        (sku, location_id, kind, delta_on_hand, delta_reserved, reason, cause_kind, cause_id, order_id, correlation_id)
      select ${sku}::text, location_id, 'commit', -take, -take, ${ledger.reason}::text, 'hold', ${ledger.holdId}::text,
             ${ledger.orderId}::text, ${ledger.correlationId}::text
        from taken
       where (select sum(take) from taken) = ${q}::integer
       order by location_id <> ${DEFAULT_LOCATION}::text, location_id
    )`,
  ];
}

/**
 * The commit's writes, after `lockForCommit` (the hold and its lines are locked) and the checks.
 * `takes` is in SKU order. Statement k (0 ≤ k ≤ n) pipelines: the commit record, the lines drawn
 * down and the hold settled (k = 0); the locations and ledger rows of SKU k−1, whose `items` row
 * statement k−1 locked (k > 0); `items` of SKU k (k < n); the low-stock refresh of every SKU, rows
 * this transaction holds (k = n). The `items` rows are thus locked one statement each, in SKU order.
 * No statement's text depends on another's answer, so the n + 1 go out together (`pipelined`).
 *
 * Returns the SKUs' levels after the sale (in `takes` order) and the SKUs whose low-stock flag
 * changed.
 * @throws Error when the hold or the levels disagree with what the caller holds locked (a bug)
 */
export async function sellHeld(
  trx: AnyDb,
  input: {
    holdId: string;
    orderId: string;
    takes: [string, number][];
    reason: string;
    correlationId: string | null;
  },
): Promise<{ levels: Level[]; flipped: LowStockFlip[] }> {
  const { holdId, orderId, takes } = input;
  const statements: RawBuilder<unknown>[] = [];
  for (let k = 0; k <= takes.length; k++) {
    const ctes: Sql[] = [];
    const columns: Sql[] = [];
    if (k === 0) {
      ctes.push(...recordAndDraw(holdId, orderId, takes));
      columns.push(sql`(select count(*)::int from drawn) as drawn`);
    } else {
      ctes.push(...takeFromLocations(takes[k - 1], input));
      columns.push(sql`(select coalesce(sum(take), 0)::int from taken) as taken`);
    }
    if (k < takes.length) {
      ctes.push(sell(takes[k]));
      columns.push(sql`(select to_jsonb(sold) from sold) as sold`);
    } else {
      ctes.push(sql`low as (${lowStockRefreshSql(takes.map(([sku]) => sku))})`);
      columns.push(sql`(select coalesce(jsonb_agg(to_jsonb(low)), '[]'::jsonb) from low) as flipped`);
    }
    statements.push(sql`with ${sql.join(ctes, sql`, `)} select ${sql.join(columns, sql`, `)}`);
  }
  // each statement's text is known up front: they travel together, and run one after another
  const answers = await pipelined<{
    drawn?: number;
    taken?: number;
    sold?: Parameters<typeof levelOf>[0] | null;
    flipped?: LowStockFlipRow[];
  }>(trx, statements);
  const levels: Level[] = [];
  let flipped: LowStockFlip[] = [];
  for (const [k, [r]] of answers.entries()) {
    // The caller holds the hold's lock and computed `takes` from its lines: anything else is a bug.
    if (k === 0 && r.drawn !== takes.length)
      throw new Error(`hold ${holdId} changed under its lock: ${r.drawn}/${takes.length} lines drawn`);
    if (k > 0 && r.taken !== takes[k - 1][1])
      throw new Error(
        `inventory of ${takes[k - 1][0]} is inconsistent: ${takes[k - 1][1]} units sold, ${r.taken} found in locations`,
      );
    if (k < takes.length) {
      if (!r.sold)
        throw new Error(`inventory of ${takes[k][0]} holds fewer reserved units than hold ${holdId}`);
      levels.push(levelOf(r.sold));
    } else flipped = (r.flipped ?? []).map(lowStockFlipOf);
  }
  return { levels, flipped };
}
