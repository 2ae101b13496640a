import { ConflictError } from './errors.js';

/**
 * A lifecycle as data: for each state, the states it may move to. Every status change of orders,
 * seller parts and payments goes through one of these tables.
 */
export type Transitions<S extends string> = { readonly [K in S]: readonly S[] };

export function canTransition<S extends string>(table: Transitions<S>, from: S, to: S): boolean {
  return table[from].includes(to);
}

/** @throws ConflictError when `from → to` is not in the table */
export function assertTransition<S extends string>(
  table: Transitions<S>,
  from: S,
  to: S,
  what: string,
): void {
  if (!canTransition(table, from, to))
    throw new ConflictError(`A ${what} that is ${from} cannot become ${to}`, { status: from });
}

/**
 * The states from which `to` may be reached. A conditional UPDATE uses it
 * (`... SET status = to WHERE id = $1 AND status IN (sourcesOf(to))`), so a status change is one
 * race-free statement instead of a read followed by a write.
 */
export function sourcesOf<S extends string>(table: Transitions<S>, to: S): S[] {
  return (Object.keys(table) as S[]).filter((from) => table[from].includes(to));
}

/** States with no way out. */
export function isFinal<S extends string>(table: Transitions<S>, state: S): boolean {
  return table[state].length === 0;
}
