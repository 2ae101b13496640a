import type { CompiledQuery, Kysely, QueryResult, RootOperationNode } from 'kysely';

// db.ts imports pipelined.ts, which may carry these: AnyDb is spelled out here rather than imported
type AnyDb = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What a prepared statement's builder returns: a Kysely query builder or a `sql` template. */
interface Compilable<R> {
  compile(db: AnyDb): CompiledQuery<R>;
}

/** A statement whose text Kysely built and compiled once; each run only fills in the values. */
export interface Prepared<P, R> {
  /** The statement with these values, ready for `db.executeQuery` or `pipelined`. */
  with(params: P): { compile(db: AnyDb): CompiledQuery<R> };
  execute(db: AnyDb, params: P): Promise<R[]>;
  executeTakeFirst(db: AnyDb, params: P): Promise<R | undefined>;
  /** The whole result, for `numAffectedRows`. */
  run(db: AnyDb, params: P): Promise<QueryResult<R>>;
}

/** Stands for one named value while the statement is built; it refuses to be read as a value. */
class Slot {
  constructor(readonly key: string) {}
  [Symbol.toPrimitive](): never {
    throw new Error(`prepared statement: the value "${this.key}" was read while the statement was built`);
  }
}

interface Shape {
  sql: string;
  query: RootOperationNode;
  /** Per parameter: the key of the value it takes, or a constant of the statement's own. */
  parameters: ({ key: string } | { constant: unknown })[];
}

/**
 * A statement built by Kysely once per process instead of on every run. Building and compiling a
 * query builder costs ~15–50 µs, which on a checkout's ~35 statements was a fifth of the server's
 * CPU; running a prepared one costs an array of its values. Kysely has no such cache (a builder
 * is rebuilt from scratch each time), hence this.
 *
 * `build(db, values)` is called once, with a stand-in for each value: the statement's text must
 * not depend on the values. Pass them straight into the builder (`where('id', '=', v.id)`,
 * `set({ status: v.status })`, `sql` template slots); a list goes in as one array parameter
 * (`= any(${v.ids})`), not as `in` (whose text has one placeholder per element); a value read,
 * compared or branched on while building is a mistake (reading one throws), and so is anything that
 * differs between runs made while building (a `new Date()` is refused). A statement whose text
 * does have a few forms is one `prepared` per form (`preparedForms`).
 *
 * What PostgreSQL makes of the text matters too: it reuses a statement's plan only when the plan
 * made for any values is estimated no dearer than one made for the values at hand. It takes an
 * array for ten elements and a `limit` parameter for a tenth of the rows, so a hot statement looking
 * up one to three keys with `= any($1)`, or with its limit as a parameter, is planned on every run;
 * such a statement is one form per number of keys (`in ($1, $2)`) or per limit (test/plans.test.ts).
 */
export function prepared<P extends object, R = Record<string, unknown>>(
  build: (db: AnyDb, values: P) => Compilable<R>,
): Prepared<P, R> {
  let shape: Shape | undefined;
  const shapeOf = (db: AnyDb): Shape => (shape ??= compileShape(db, build));
  const compiled = (db: AnyDb, params: P): CompiledQuery<R> => {
    // A handle with plugins (tests that count or rewrite statements) gets the statement built
    // afresh with the values themselves, so that its plugins see it as they see any other.
    // (`getExecutor` is marked internal in Kysely's types; prepared.test.ts notices if it goes.)
    if (db.getExecutor().plugins.length > 0) return build(db, params).compile(db);
    const s = shapeOf(db);
    const values = params as Record<string, unknown>;
    return {
      sql: s.sql,
      query: s.query,
      queryId: { queryId: '' },
      parameters: s.parameters.map((p) => ('key' in p ? values[p.key] : p.constant)),
    };
  };
  const run = (db: AnyDb, params: P) => db.executeQuery(compiled(db, params));
  return {
    with: (params) => ({ compile: (db) => compiled(db, params) }),
    run,
    execute: async (db, params) => (await run(db, params)).rows,
    executeTakeFirst: async (db, params) => (await run(db, params)).rows[0],
  };
}

function compileShape<P, R>(db: AnyDb, build: (db: AnyDb, values: P) => Compilable<R>): Shape {
  const slots = new Map<string, Slot>();
  const values = new Proxy(
    {},
    {
      get: (_, key) => {
        if (typeof key !== 'string') return undefined;
        let slot = slots.get(key);
        if (!slot) slots.set(key, (slot = new Slot(key)));
        return slot;
      },
    },
  ) as P;
  const c = build(db, values).compile(db);
  const parameters = c.parameters.map((v) => (v instanceof Slot ? { key: v.key } : { constant: v }));
  // a time taken while building (`new Date()`) would be the first run's time on every run
  if (c.parameters.some((v) => v instanceof Date))
    throw new Error('prepared statement: a Date was built into its text; pass it as a value, or use now()');
  for (const key of slots.keys())
    if (!parameters.some((p) => 'key' in p && p.key === key))
      throw new Error(`prepared statement: the value "${key}" did not become a parameter`);
  return { sql: c.sql, query: c.query, parameters };
}

/** One `prepared` statement per form of a statement whose text has a few forms (by `form`). */
export function preparedForms<F extends string | number, P extends object, R = Record<string, unknown>>(
  build: (form: F) => (db: AnyDb, values: P) => Compilable<R>,
): (form: F) => Prepared<P, R> {
  const forms = new Map<F, Prepared<P, R>>();
  return (form) => {
    let p = forms.get(form);
    if (!p) forms.set(form, (p = prepared(build(form))));
    return p;
  };
}
