import { Kysely, PostgresDialect, sql, type RawBuilder, type Transaction } from 'kysely';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import type { Socket } from 'node:net';
import path from 'node:path';
import type { Logger } from './logger.js';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js';
import { PostgresListener } from './listen.js';
import { inSpan, SpanKind, traced, tracingOn } from './tracing.js';
import { pgliteDialect } from './pglite-dialect.js';
import { pipelinedStatements } from './pipelined.js';
import { serializedDialect } from './serial-dialect.js';

/**
 * The database handle every module shares. Modules narrow it to their own schema's tables with
 * `scoped<Tables>(db)`, so a query against another module's tables does not compile.
 */
export type AnyDb = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type { Kysely, Transaction };

export interface Database {
  readonly kind: 'postgres' | 'pglite';
  readonly db: AnyDb;
  /** A cheap round trip, used by /readyz. */
  ping(): Promise<void>;
  /**
   * Calls `onNotify` with the payload of each NOTIFY on `channel`, and once without one after a lost
   * listener reconnects (notifications sent meanwhile are gone). Resolves to a function that stops
   * listening.
   */
  listen(channel: string, onNotify: (payload?: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export function scoped<Tables>(db: AnyDb): Kysely<Tables> {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-return
  return db;
}

// int8 (counts, sums, identities) as JS numbers: every bigint we store stays below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

export interface DatabaseOptions {
  url?: string;
  poolMax?: number;
  /** How long a query waits for a pooled connection (or for a new one to open) before it fails. */
  poolTimeoutMs?: number;
  /** Directory for the embedded database (PGlite); used when `url` is absent. */
  dataDir?: string;
  /** A tarball made by PGlite's `dumpDataDir`, to open a prepared database in memory (tests). */
  loadDataDir?: Blob;
  log?: Logger;
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  return opts.url
    ? openPostgres(opts.url, opts.poolMax ?? 10, opts.poolTimeoutMs ?? 5_000, opts.log)
    : openPglite(opts);
}

function openPostgres(url: string, poolMax: number, poolTimeoutMs: number, log?: Logger): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolMax,
    connectionTimeoutMillis: poolTimeoutMs,
    idleTimeoutMillis: 30_000,
    // Every statement has a ceiling, so a stuck query cannot pin a connection forever.
    statement_timeout: 30_000,
    application_name: 'agora',
    // queries given to a client before the last one answered go out at once (see pipelineTransactionEnds)
    pipeline: true,
  });
  pool.on('error', (err) => log?.error({ err }, 'idle PostgreSQL client failed'));
  pool.on('connect', (client) => {
    namePreparedStatements(client);
    pipelineTransactionEnds(client);
    if (tracingOn()) traceStatements(client, client.database ?? '');
  });
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) }) as AnyDb;
  const listener = new PostgresListener(url, log);
  return {
    kind: 'postgres',
    db,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    listen: (channel, onNotify) => listener.listen(channel, onNotify),
    close: async () => {
      await listener.close();
      await db.destroy();
    },
  };
}

/**
 * A CLIENT span for each statement `client` runs inside a traced operation (a request, an event's
 * handling, a job): its text (parameters stay out) and the database's name; a failed statement's
 * span records the error. Statements outside one (the relay's and the job runner's polls) are not.
 */
function traceStatements(client: pg.PoolClient, database: string): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  client.query = ((text: unknown, values?: unknown, callback?: unknown) => {
    if (typeof text !== 'string' || callback !== undefined || !inSpan()) return query(text, values, callback);
    const operation = /^\s*(\w+)/.exec(text)?.[1]?.toLowerCase() ?? 'query';
    return traced(
      `pg ${operation}`,
      SpanKind.CLIENT,
      {
        'db.system.name': 'postgresql',
        'db.namespace': database,
        'db.operation.name': operation,
        'db.query.text': text.length > 2_000 ? `${text.slice(0, 2_000)}…` : text,
      },
      () => query(text, values) as Promise<unknown>,
    );
  }) as typeof client.query;
}

/** Distinct statement texts given a name; past this, new texts run unnamed (parsed every time). */
const MAX_NAMED_STATEMENTS = 2_000;
/** Statement text → its name, or null for a text that runs unnamed (decided once per text). */
const statementNames = new Map<string, string | null>();
let namedCount = 0;

/**
 * Makes `client` send each parameterized data statement (select, insert, update, delete, with) as
 * a named prepared statement, so PostgreSQL parses and plans it once per connection rather than
 * on every execution; node-postgres then sends only Bind/Execute for it. Kysely has no option for
 * it (it sends every query unnamed), hence this wrapper. Names are per text, shared by the
 * process's connections, for at most MAX_NAMED_STATEMENTS texts, which bounds what each
 * connection keeps prepared. Schema changes run unnamed, and migrations run before traffic.
 */
function namePreparedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  client.query = ((text: unknown, values?: unknown, callback?: unknown) => {
    if (typeof text === 'string' && Array.isArray(values) && values.length > 0 && callback === undefined) {
      const name = statementName(text);
      if (name) return namedQuery(query, name, text, values);
    }
    return callback === undefined ? query(text, values) : query(text, values, callback);
  }) as typeof client.query;
}

/**
 * Sends a named statement as a `pg.Query` made from its text, named afterwards: given a config
 * object (`{ name, text, values }`), node-postgres copies it property by property through their
 * descriptors, which profiles showed at ~3 % of the server's CPU on a checkout. A Query handed
 * to `client.query` is sent as it is and answers through its callback.
 */
function namedQuery(
  query: (q: pg.Query) => unknown,
  name: string,
  text: string,
  values: unknown[],
): Promise<pg.QueryResult> {
  return new Promise((resolve, reject) => {
    const q = new pg.Query(text, values) as pg.Query & {
      name: string;
      callback: (err: Error | null, result: pg.QueryResult) => void;
    };
    q.name = name;
    q.callback = (err, result) => (err ? reject(err) : resolve(result));
    query(q);
  });
}

const noRows = (command: string) => ({ command, rowCount: null, oid: 0, rows: [], fields: [] });

/** Ends the text of a statement that `lastInTransaction` marked. */
const COMMITS = '/* agora: last in its transaction */';

/**
 * Marks `statement` as the last of its transaction: on PostgreSQL the transaction's COMMIT is sent
 * right behind it, in the same write, instead of after its answer (one round trip fewer; see
 * `pipelineTransactionEnds`). So the transaction commits if and only if the statement succeeds,
 * whatever the caller makes of its answer: every check that decides whether to commit must be
 * done before it or inside it, in SQL (`platform.expect` raises `EXPECTATION_FAILED`). Nothing may
 * run in the transaction after it; a statement that tries is refused. Outside a transaction and
 * on PGlite the mark is only a comment.
 */
export function lastInTransaction<T>(statement: RawBuilder<T>): RawBuilder<T> {
  return sql<T>`${statement} ${sql.raw(COMMITS)}`;
}

/** SQLSTATE of `platform.expect(ok, what)` when `ok` is not true; the error's message is `what`. */
export const EXPECTATION_FAILED = 'AG001';

/** Whether `err` is `platform.expect`'s failure `what`. */
export function isExpectationFailed(err: unknown, what: string): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  return e?.code === EXPECTATION_FAILED && e.message === what;
}

/**
 * Saves round trips at both ends of a transaction on a pipelined connection (node-postgres's
 * `pipeline` mode writes a query without waiting for the one before; each carries its own Sync,
 * so an error ends only its own statement, and PostgreSQL turns a COMMIT after an error in the
 * transaction into a ROLLBACK):
 *
 * - BEGIN goes out with the transaction's first statement, in one write. Kysely awaits BEGIN
 *   before the first statement, so it is answered here at once. A transaction that ends before any
 *   statement sends nothing. An error of the BEGIN is the first statement's error.
 * - COMMIT goes out with a statement marked `lastInTransaction`, in one write; Kysely's COMMIT
 *   afterwards gets that COMMIT's answer. Its ROLLBACK (the statement failed, so the COMMIT rolled
 *   back) gets the same; a ROLLBACK after a COMMIT that did commit is a caller's bug and rejects.
 * - The statements of a `pipelined` batch go out in one write (with the COMMIT when its last one
 *   is marked).
 */
function pipelineTransactionEnds(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
  const stream = (client as unknown as { connection: { stream: Socket } }).connection.stream;
  let beginPending = false;
  let inTransaction = false;
  let committing: Promise<{ command: string }> | null = null;
  /** Sends `statements` in one write; returns their answers. */
  const together = (statements: [string, unknown?][]) => {
    stream.cork();
    const answers: Promise<unknown>[] = [];
    try {
      for (const [text, values] of statements) answers.push(query(text, values));
    } finally {
      stream.uncork();
    }
    return answers;
  };
  client.query = ((text: unknown, values?: unknown, callback?: unknown) => {
    if (typeof text !== 'string' || callback !== undefined) return query(text, values, callback);
    if (committing) {
      const sent = committing;
      if (text === 'commit' || text === 'rollback') {
        committing = null;
        inTransaction = false;
        if (text === 'commit') return sent;
        return sent.then((r) => {
          if (r.command === 'COMMIT')
            throw new Error('rollback asked after a transaction committed with its last statement');
          return r;
        });
      }
      return Promise.reject(new Error(`a statement after the one marked last in its transaction: ${text}`));
    }
    const plain = !(Array.isArray(values) && values.length > 0);
    if (text === 'begin' && plain) {
      beginPending = true;
      inTransaction = true;
      return Promise.resolve(noRows('BEGIN'));
    }
    if ((text === 'commit' || text === 'rollback') && plain) {
      inTransaction = false;
      if (beginPending) {
        beginPending = false;
        return Promise.resolve(noRows(text.toUpperCase()));
      }
      return query(text, values);
    }
    // the statement, or a batch's statements; BEGIN ahead of them, COMMIT behind a marked one
    const batch = pipelinedStatements(text, values);
    const own: [string, unknown?][] = batch ? batch.map((b) => [b.sql, b.parameters]) : [[text, values]];
    const marked = batch
      ? batch.length > 0 && batch[batch.length - 1].sql.endsWith(COMMITS)
      : text.endsWith(COMMITS);
    const last = inTransaction && marked;
    const statements: [string, unknown?][] = [...(beginPending ? [['begin'] as [string]] : []), ...own];
    if (last) statements.push(['commit']);
    beginPending = false;
    if (!batch && statements.length === 1) return query(text, values);
    const answers = together(statements);
    if (last) {
      committing = answers.pop() as Promise<{ command: string }>;
      // awaited by Kysely's COMMIT or ROLLBACK; a failure reaches it there
      committing.catch(() => undefined);
    }
    // an error rejects with the first failing statement's (answers arrive in order)
    return Promise.all(answers).then((results) => {
      const mine = results.slice(results.length - own.length) as { rows: unknown[] }[];
      return batch ? { ...noRows('PIPELINED'), rows: mine.map((r) => r.rows) } : mine[0];
    });
  }) as typeof client.query;
}

function statementName(text: string): string | undefined {
  const known = statementNames.get(text);
  if (known !== undefined) return known ?? undefined;
  // texts seen past the bound (names and refusals) are not remembered: they run unnamed
  if (namedCount >= MAX_NAMED_STATEMENTS || statementNames.size >= 2 * MAX_NAMED_STATEMENTS) return undefined;
  // ON CONFLICT (…) WHERE … with a parameter in the WHERE: a partial unique index as arbiter,
  // named by a predicate whose values a generic plan does not know, so PostgreSQL cannot infer
  // the index; these are planned every time. A predicate of literals is fine.
  const named =
    /^\s*(select|insert|update|delete|with)\b/i.test(text) &&
    !/\bon conflict\s*\([^)]*\)\s*where\b(?:(?!\bdo\b)[\s\S])*\$\d/i.test(text);
  const name = named ? `agora_${namedCount++}` : null;
  statementNames.set(text, name);
  return name ?? undefined;
}

async function openPglite(opts: DatabaseOptions): Promise<Database> {
  let lock: DataDirLock | undefined;
  let dataDir: string | undefined;
  if (!opts.loadDataDir) {
    if (!opts.dataDir) throw new Error('openDatabase needs a url, a dataDir or a loadDataDir');
    mkdirSync(opts.dataDir, { recursive: true });
    lock = acquireDataDirLock(opts.dataDir);
    dataDir = path.join(opts.dataDir, 'pg');
  }
  try {
    // Loaded only in embedded mode.
    const [{ PGlite }, { pg_trgm }] = await Promise.all([
      import('@electric-sql/pglite'),
      import('@electric-sql/pglite/contrib/pg_trgm'),
    ]);
    const client = await PGlite.create({
      dataDir,
      loadDataDir: opts.loadDataDir,
      extensions: { pg_trgm },
      parsers: { 20: (v: string) => Number.parseInt(v, 10) },
      // PGlite's default 128 MB buffer pool is sized for a server; the embedded mode holds a
      // development or demo catalog, and this keeps its resident memory ~110 MB lower.
      postgresqlconf: ['shared_buffers=16MB'],
    });
    // One session: transactions take turns (see serial-dialect.ts).
    const db = new Kysely<unknown>({ dialect: serializedDialect(pgliteDialect(client)) }) as AnyDb;
    return {
      kind: 'pglite',
      db,
      ping: async () => {
        await sql`select 1`.execute(db);
      },
      listen: (channel, onNotify) => client.listen(channel, (payload) => onNotify(payload)),
      close: async () => {
        await db.destroy();
        if (!client.closed) await client.close();
        lock?.release();
      },
    };
  } catch (err) {
    lock?.release();
    throw err;
  }
}
