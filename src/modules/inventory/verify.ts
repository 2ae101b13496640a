import { sql } from 'kysely';
import type { AnyDb } from '../../platform/db.js';

/** A level that disagrees with what the ledger (or the live holds) say it must be. */
export interface Mismatch {
  /** `item`: items vs ledger; `location`: location_levels vs ledger; `holds`: reserved vs live holds. */
  scope: 'item' | 'location' | 'holds';
  sku: string;
  locationId: string | null;
  field: 'on_hand' | 'reserved' | 'row';
  /** What the ledger (or the holds) add up to. */
  expected: number;
  /** What the level row says (null: no row). */
  actual: number | null;
}

interface Row {
  scope: Mismatch['scope'];
  sku: string;
  location_id: string | null;
  expected_on_hand: number | null;
  actual_on_hand: number | null;
  expected_reserved: number | null;
  actual_reserved: number | null;
}

/**
 * Rebuilds every level from the movement ledger and compares, in one aggregate query: per SKU
 * (on-hand, reserved), per SKU and location (on-hand), and reserved against the units live holds
 * still hold. An empty answer means the stored levels are exactly what the ledger says.
 */
export async function verifyInventory(db: AnyDb): Promise<Mismatch[]> {
  const { rows } = await sql<Row>`
    with ledger as (
      select sku, sum(delta_on_hand)::bigint as on_hand, sum(delta_reserved)::bigint as reserved
        from inventory.movements group by sku
    ), ledger_at as (
      select sku, location_id, sum(delta_on_hand)::bigint as on_hand
        from inventory.movements where location_id is not null group by sku, location_id
    ), held as (
      select l.sku, sum(l.remaining)::bigint as reserved
        from inventory.hold_lines l join inventory.holds h on h.id = l.hold_id
       where h.status = 'held' group by l.sku
    )
    select 'item' as scope, coalesce(i.sku, m.sku) as sku, null::text as location_id,
           m.on_hand as expected_on_hand, i.on_hand as actual_on_hand,
           m.reserved as expected_reserved, i.reserved as actual_reserved
      from inventory.items i full join ledger m on m.sku = i.sku
     where i.sku is null or m.sku is null or i.on_hand <> m.on_hand or i.reserved <> m.reserved
    union all
    select 'location', coalesce(l.sku, m.sku), coalesce(l.location_id, m.location_id),
           coalesce(m.on_hand, 0), l.on_hand, null, null
      from inventory.location_levels l full join ledger_at m on m.sku = l.sku and m.location_id = l.location_id
     where coalesce(l.on_hand, 0) <> coalesce(m.on_hand, 0)
    union all
    select 'holds', i.sku, null, null, null, coalesce(h.reserved, 0), i.reserved
      from inventory.items i left join held h on h.sku = i.sku
     where i.reserved <> coalesce(h.reserved, 0)
    order by 2, 1, 3`.execute(db);
  const out: Mismatch[] = [];
  for (const r of rows) {
    const base = { scope: r.scope, sku: r.sku, locationId: r.location_id };
    const num = (v: number | null) => (v === null ? null : Number(v));
    if (r.scope === 'item' && (r.actual_on_hand === null || r.expected_on_hand === null)) {
      out.push({
        ...base,
        field: 'row',
        expected: num(r.expected_on_hand) ?? 0,
        actual: num(r.actual_on_hand),
      });
      continue;
    }
    if (r.scope !== 'holds' && num(r.expected_on_hand) !== num(r.actual_on_hand))
      out.push({
        ...base,
        field: 'on_hand',
        expected: num(r.expected_on_hand) ?? 0,
        actual: num(r.actual_on_hand),
      });
    if (r.scope !== 'location' && num(r.expected_reserved) !== num(r.actual_reserved))
      out.push({
        ...base,
        field: 'reserved',
        expected: num(r.expected_reserved) ?? 0,
        actual: num(r.actual_reserved),
      });
  }
  return out;
}
