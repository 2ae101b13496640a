import { ConflictError } from '../../platform/errors.js';
import type { HoldStatus, SaleState } from './tables.js';

/**
 * The lifecycles of a sale and of a buyer's hold, as data. Every status change goes through these
 * tables: single-row changes call `assertTransition`, set-based SQL updates take their allowed
 * source states from `sourcesOf`, so the SQL cannot drift from the table.
 */
export type Transitions<S extends string> = Readonly<Record<S, readonly S[]>>;

export const SALE_TRANSITIONS: Transitions<SaleState> = {
  // a sale whose end comes before its start job ran ends without ever being active
  scheduled: ['active', 'ended'],
  active: ['sold_out', 'ended'],
  // units can come back to a sold-out sale only if a sold unit returns to it, which never happens;
  // the end still closes it
  sold_out: ['ended'],
  ended: [],
};

export const HOLD_TRANSITIONS: Transitions<HoldStatus> = {
  // checkout claims it; expiry, the buyer removing it from the cart, or the sale's end releases it
  held: ['claimed', 'released'],
  // the order is paid (converted) or the checkout failed and gives it back (held; expiry applies)
  claimed: ['converted', 'held'],
  converted: [],
  released: [],
};

export function canTransition<S extends string>(table: Transitions<S>, from: S, to: S): boolean {
  return table[from].includes(to);
}

/** @throws ConflictError when `from → to` is not in `table` */
export function assertTransition<S extends string>(
  table: Transitions<S>,
  from: S,
  to: S,
  what: string,
): void {
  if (!canTransition(table, from, to))
    throw new ConflictError(`A ${what} cannot go from ${from} to ${to}`, { from, to });
}

/** The states from which `to` can be reached, for the WHERE clause of a set-based update. */
export function sourcesOf<S extends string>(table: Transitions<S>, to: S): S[] {
  return (Object.keys(table) as S[]).filter((from) => table[from].includes(to));
}

/** Whether a sale in `state` takes reservations at `now`. */
export function isOpen(sale: { state: SaleState; startsAt: Date; endsAt: Date }, now = new Date()): boolean {
  return sale.state === 'active' && sale.endsAt.getTime() > now.getTime();
}
