import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import type { Socket } from 'node:net';
import path from 'node:path';
import type { Logger } from './logger.js';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js';
import { listenPostgres } from './listen.js';
import { pgliteDialect } from './pglite-dialect.js';
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
   * Calls `onNotify` for each NOTIFY on `channel` (and once after a lost listener reconnects, since
   * notifications sent meanwhile are gone). Resolves to a function that stops listening.
   */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
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
    // queries given to a client before the last one answered go out at once (see pipelineBegin)
    pipeline: true,
  });
  pool.on('error', (err) => log?.error({ err }, 'idle PostgreSQL client failed'));
  pool.on('connect', (client) => {
    namePreparedStatements(client);
    pipelineBegin(client);
  });
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) }) as AnyDb;
  return {
    kind: 'postgres',
    db,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    listen: (channel, onNotify) => listenPostgres(url, channel, onNotify, log),
    close: () => db.destroy(),
  };
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
      if (name) return query({ name, text, values });
    }
    return callback === undefined ? query(text, values) : query(text, values, callback);
  }) as typeof client.query;
}

const noRows = (command: string) => ({ command, rowCount: null, oid: 0, rows: [], fields: [] });

/**
 * Sends a transaction's BEGIN together with its first statement, in one write and one round trip
 * instead of two: Kysely awaits BEGIN before the first statement, so the BEGIN is answered here at
 * once and sent just ahead of that statement on the pipelined connection (node-postgres's
 * `pipeline` mode writes a query without waiting for the one before). A transaction that ends
 * before any statement sends nothing. An error of the BEGIN is the first statement's error.
 */
function pipelineBegin(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
  let beginPending = false;
  client.query = ((text: unknown, values?: unknown, callback?: unknown) => {
    if (typeof text === 'string' && callback === undefined) {
      if (text === 'begin' && !(Array.isArray(values) && values.length > 0)) {
        beginPending = true;
        return Promise.resolve(noRows('BEGIN'));
      }
      if (beginPending) {
        beginPending = false;
        if (text === 'commit' || text === 'rollback') return Promise.resolve(noRows(text.toUpperCase()));
        const stream = (client as unknown as { connection: { stream: Socket } }).connection.stream;
        stream.cork();
        let begun: Promise<unknown>;
        let answer: Promise<unknown>;
        try {
          begun = query('begin');
          answer = query(text, values);
        } finally {
          stream.uncork();
        }
        return Promise.all([begun, answer]).then(([, result]) => result);
      }
    }
    return query(text, values, callback);
  }) as typeof client.query;
}

function statementName(text: string): string | undefined {
  const known = statementNames.get(text);
  if (known !== undefined) return known ?? undefined;
  // texts seen past the bound (names and refusals) are not remembered: they run unnamed
  if (namedCount >= MAX_NAMED_STATEMENTS || statementNames.size >= 2 * MAX_NAMED_STATEMENTS) return undefined;
  // ON CONFLICT (…) WHERE …: a partial unique index as arbiter. With a generic plan its
  // predicate's parameters are unknown and PostgreSQL cannot infer the index, so these are
  // planned every time.
  const named =
    /^\s*(select|insert|update|delete|with)\b/i.test(text) &&
    !/\bon conflict\s*\([^)]*\)\s*where\b/i.test(text);
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
      listen: (channel, onNotify) => client.listen(channel, () => onNotify()),
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
