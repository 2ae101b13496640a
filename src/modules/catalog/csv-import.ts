import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform, type TransformOptions } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse } from 'csv-parse';
import { sql, type Kysely } from 'kysely';
import { Value } from 'typebox/value';
import { uuidv7 } from '../../platform/ids.js';
import type { Ctx } from '../../platform/context.js';
import { AppError, NotFoundError, UnauthorizedError } from '../../platform/errors.js';
import { scoped, type AnyDb } from '../../platform/db.js';
import type { JobContext } from '../../platform/jobs/runner.js';
import { scheduleJob } from '../../platform/jobs/runner.js';
import { DuplicateSkuError } from './errors.js';
import { createProduct, type CatalogDeps } from './product-service.js';
import * as repo from './repository.js';
import { CreateProductBody } from './schemas.js';
import type { CatalogImportTables } from './tables.js';

const t = (db: AnyDb): Kysely<CatalogImportTables> => scoped<CatalogImportTables>(db);

/** The CSV columns, one product with one variant per row; the header row names them. */
export const CSV_COLUMNS = [
  'title',
  'description',
  'brand',
  'categoryId',
  'status',
  'sku',
  'variantTitle',
  'price',
  'currency',
  'initialStock',
  'attributes',
  'images',
] as const;

/**
 * Passed on to the parser's stream: a stream destroyed by its error drops the records it had
 * parsed before it, so how the file was chunked would decide which rows before a broken line are
 * imported. Kept alive, every row before the broken line is read (and imported), then the error.
 */
const KEEP_PARSED_ON_ERROR: Pick<TransformOptions, 'autoDestroy'> = { autoDestroy: false };

const MAX_BYTES = 50 * 1024 * 1024;
/** Row errors kept per import; the count of failed rows is always exact. */
const MAX_ERRORS = 1_000;

export interface ImportError {
  line: number;
  path: string;
  message: string;
}

export interface ImportStatus {
  id: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  totalRows: number;
  createdRows: number;
  failedRows: number;
  errors: ImportError[];
  createdAt: string;
  finishedAt: string | null;
}

/** `color=red;memory=16GB` → `{color: 'red', memory: '16GB'}` */
const pairs = (text: string) =>
  Object.fromEntries(
    text
      .split(';')
      .map((p) => p.split('='))
      .filter(([k, v]) => k?.trim() && v !== undefined)
      .map(([k, v]) => [k.trim(), v.trim()]),
  );

const intOrText = (text: string) => (/^-?\d+$/.test(text.trim()) ? Number(text) : text);

/** One CSV record → the body `POST /v1/products` takes. */
function bodyOf(r: Record<string, string>) {
  return {
    title: r.title ?? '',
    description: r.description ?? '',
    brand: r.brand ?? '',
    categoryId: r.categoryId ?? '',
    status: r.status || 'draft',
    attributes: pairs(r.attributes ?? ''),
    images: (r.images ?? '').split(/\s+/).filter(Boolean),
    variants: [
      {
        sku: r.sku ?? '',
        title: r.variantTitle || 'Default',
        price: { amount: intOrText(r.price ?? ''), currency: r.currency ?? '' },
        initialStock: intOrText(r.initialStock || '0'),
      },
    ],
  };
}

/** Saves the upload to a temporary file, refusing more than MAX_BYTES. */
async function spool(upload: Readable): Promise<{ file: string; dir: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'agora-import-'));
  const file = path.join(dir, 'upload.csv');
  let bytes = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > MAX_BYTES) done(new AppError('payload_too_large', 'A CSV import is at most 50 MB'));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(upload, limit, createWriteStream(file));
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return { file, dir };
}

export const IMPORT_JOB = 'catalog.import';
export interface ImportJobPayload {
  importId: string;
}

/**
 * Accepts a CSV upload (spooled to a temporary file, at most 50 MB) and queues its import: the
 * import row, the file's bytes and the job are written in one transaction, so any worker can run
 * it and a crash mid-import resumes it. Returns the import's id at once.
 */
export async function startImport(
  ctx: Ctx,
  _deps: CatalogDeps,
  upload: Readable,
): Promise<{ importId: string }> {
  if (!ctx.actor) throw new UnauthorizedError();
  const { file, dir } = await spool(upload);
  try {
    const body = await readFile(file);
    const id = uuidv7();
    const actor = ctx.actor;
    await ctx.db.transaction().execute(async (trx) => {
      await insertImport(trx, id, actor);
      await t(trx).insertInto('catalog.import_files').values({ import_id: id, body }).execute();
      await scheduleJob(trx, IMPORT_JOB, { importId: id } satisfies ImportJobPayload, new Date(), {
        key: id,
        maxAttempts: 3,
      });
    });
    return { importId: id };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function insertImport(db: AnyDb, id: string, actor: { userId: string; role: string }) {
  return t(db)
    .insertInto('catalog.imports')
    .values({
      id,
      seller_id: actor.userId,
      actor_role: actor.role === 'admin' ? 'admin' : 'seller',
      status: 'queued',
      total_rows: 0,
      created_rows: 0,
      failed_rows: 0,
      errors: '[]',
      finished_at: null,
    })
    .execute();
}

/** The job: runs a queued import from its stored file; a retry resumes after the last checkpoint. */
export async function runImportJob(
  deps: CatalogDeps,
  payload: ImportJobPayload,
  job: JobContext,
): Promise<void> {
  const row = await t(job.db)
    .selectFrom('catalog.imports')
    .innerJoin('catalog.import_files', 'catalog.import_files.import_id', 'catalog.imports.id')
    .select(['seller_id', 'actor_role', 'status', 'body'])
    .where('catalog.imports.id', '=', payload.importId)
    .executeTakeFirst();
  if (!row || row.status === 'completed' || row.status === 'failed') return;
  const ctx: Ctx = {
    db: job.db,
    actor: { userId: row.seller_id, role: row.actor_role, sessionId: `import:${payload.importId}` },
    requestId: `import:${payload.importId}`,
    log: job.log,
  };
  const at = { line: 1 };
  try {
    await processImport(ctx, deps, payload.importId, Readable.from([Buffer.from(row.body)]), {
      resume: job.attempt > 1,
      at,
    });
  } catch (err) {
    if (job.attempt >= job.maxAttempts) await markFailed(job.db, payload.importId, stoppedAt(at.line));
    throw err;
  }
}

/** Why an import that failed on a fault (not on its file) stopped, for its `errors`. */
const stoppedAt = (line: number): ImportError => ({
  line,
  path: '/',
  message: 'The import stopped on an internal error after this line; the rows before it were imported',
});

/**
 * `agora import`: imports a local CSV file for a seller in this process, reporting progress as it
 * goes; recorded like an upload, so `GET /v1/catalog/imports/{id}` shows it too.
 */
export async function importFile(
  ctx: Ctx,
  deps: CatalogDeps,
  input: Readable,
  onProgress: (p: { rows: number; created: number; failed: number }) => void,
): Promise<ImportStatus> {
  if (!ctx.actor) throw new UnauthorizedError();
  const id = uuidv7();
  await insertImport(ctx.db, id, ctx.actor);
  const at = { line: 1 };
  try {
    await processImport(ctx, deps, id, input, { resume: false, onProgress, at });
  } catch (err) {
    await markFailed(ctx.db, id, stoppedAt(at.line));
    throw err;
  }
  return importStatus({ ...ctx, actor: { ...ctx.actor, role: 'admin' } }, id);
}

/** Marks an import failed, adding why to its errors (a failed import always says why). */
const markFailed = (db: AnyDb, id: string, why: ImportError) =>
  t(db)
    .updateTable('catalog.imports')
    .set({
      status: 'failed',
      finished_at: new Date(),
      errors: sql<string>`errors || ${JSON.stringify([why])}::jsonb`,
    })
    .where('id', '=', id)
    .execute();

/**
 * Parses the CSV and creates one product per valid row (through the same use case as `POST
 * /v1/products`), recording progress every 100 rows. With `resume`, rows up to the last recorded
 * checkpoint are skipped, and a row after it whose SKU the seller already owns counts as created
 * (it was created before the crash, after the checkpoint). A file the CSV parser cannot read ends
 * the import there as `failed` (no retry can help), its errors ending with the parser's message
 * and line; the rows before that line stay imported.
 */
async function processImport(
  ctx: Ctx,
  deps: CatalogDeps,
  id: string,
  input: Readable,
  opts: {
    resume: boolean;
    onProgress?: (p: { rows: number; created: number; failed: number }) => void;
    /** Kept at the last line read, so a caller can say where a fault stopped the import. */
    at: { line: number };
  },
): Promise<void> {
  const db = t(ctx.db);
  const state = await db
    .updateTable('catalog.imports')
    .set({ status: 'running' })
    .where('id', '=', id)
    .returning(['total_rows', 'created_rows', 'failed_rows', 'errors'])
    .executeTakeFirstOrThrow();
  const checkpoint = opts.resume ? state.total_rows : 0;
  const errors: ImportStatus['errors'] = opts.resume ? state.errors : [];
  let total = 0;
  let created = opts.resume ? state.created_rows : 0;
  let failed = opts.resume ? state.failed_rows : 0;
  const fail = (line: number, path: string, message: string) => {
    failed += 1;
    if (errors.length < MAX_ERRORS) errors.push({ line, path, message });
  };
  const progress = async () => {
    await db
      .updateTable('catalog.imports')
      .set({ total_rows: total, created_rows: created, failed_rows: failed, errors: JSON.stringify(errors) })
      .where('id', '=', id)
      .execute();
    opts.onProgress?.({ rows: total, created, failed });
  };
  const parser = input.pipe(
    parse({
      columns: true,
      bom: true,
      trim: true,
      skip_empty_lines: true,
      info: true,
      relax_column_count: true,
      ...KEEP_PARSED_ON_ERROR,
    }),
  );
  const records = parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>;
  let broken: ImportError | undefined;
  try {
    for await (const { record, info } of records) {
      opts.at.line = info.lines;
      total += 1;
      if (total <= checkpoint) continue;
      const body = bodyOf(record);
      const problem = Value.Errors(CreateProductBody, body)[0];
      if (problem) fail(info.lines, problem.instancePath || '/', problem.message);
      else {
        try {
          await createProduct(ctx, deps, Value.Default(CreateProductBody, body) as CreateProductBody);
          created += 1;
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          if (opts.resume && err instanceof DuplicateSkuError && (await ownsSku(ctx, body.variants[0].sku)))
            created += 1;
          else fail(info.lines, err.errors?.[0]?.path.replace('/body', '') ?? '/', err.message);
        }
      }
      if (total % 100 === 0) await progress();
    }
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    // the file itself is broken: a retry cannot help, so the import ends here and says why (the
    // rows before the broken line stay imported)
    broken = {
      line: typeof err.lines === 'number' ? err.lines : opts.at.line,
      path: '/',
      message: `The file is not valid CSV: ${err.message}`,
    };
    parser.destroy();
    input.destroy();
  }
  await progress();
  await ctx.db.transaction().execute(async (trx) => {
    if (broken) await markFailed(trx, id, broken);
    else
      await t(trx)
        .updateTable('catalog.imports')
        .set({ status: 'completed', finished_at: new Date() })
        .where('id', '=', id)
        .execute();
    await t(trx).deleteFrom('catalog.import_files').where('import_id', '=', id).execute();
  });
}

async function ownsSku(ctx: Ctx, sku: string): Promise<boolean> {
  const owner = await repo.skuOwner(ctx.db, sku);
  return owner !== undefined && owner === ctx.actor?.userId;
}

/**
 * An import's progress and row errors; only its seller and admins see it.
 * @throws NotFoundError
 */
export async function importStatus(ctx: Ctx, id: string): Promise<ImportStatus> {
  const row = await t(ctx.db)
    .selectFrom('catalog.imports')
    .select([
      'id',
      'seller_id',
      'status',
      'total_rows',
      'created_rows',
      'failed_rows',
      'errors',
      'created_at',
      'finished_at',
    ])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row || (ctx.actor?.role !== 'admin' && row.seller_id !== ctx.actor?.userId))
    throw new NotFoundError('Import');
  return {
    id: row.id,
    status: row.status,
    totalRows: row.total_rows,
    createdRows: row.created_rows,
    failedRows: row.failed_rows,
    errors: row.errors,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}
