import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import type { Kysely } from 'kysely';
import { Value } from 'typebox/value';
import { v7 as uuidv7 } from 'uuid';
import type { Ctx } from '../../platform/context.js';
import { AppError, NotFoundError, UnauthorizedError } from '../../platform/errors.js';
import { scoped, type AnyDb } from '../../platform/db.js';
import { createProduct, type CatalogDeps } from './product-service.js';
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

const MAX_BYTES = 50 * 1024 * 1024;
/** Row errors kept per import; the count of failed rows is always exact. */
const MAX_ERRORS = 1_000;

export interface ImportStatus {
  id: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  totalRows: number;
  createdRows: number;
  failedRows: number;
  errors: { line: number; path: string; message: string }[];
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

/**
 * Accepts a CSV upload (streamed to a temporary file) and starts its import as a background job:
 * each valid row becomes a product (through the same use case as `POST /v1/products`), each
 * invalid one an error with its line number. Returns the import's id at once.
 */
export async function startImport(
  ctx: Ctx,
  deps: CatalogDeps,
  upload: Readable,
): Promise<{ importId: string }> {
  if (!ctx.actor) throw new UnauthorizedError();
  const { file, dir } = await spool(upload);
  const id = uuidv7();
  await t(ctx.db)
    .insertInto('catalog.imports')
    .values({
      id,
      seller_id: ctx.actor.userId,
      status: 'queued',
      total_rows: 0,
      created_rows: 0,
      failed_rows: 0,
      errors: '[]',
      finished_at: null,
    })
    .execute();
  void runImport(ctx, deps, id, file)
    .catch(async (err: unknown) => {
      ctx.log.error({ err, importId: id }, 'catalog import failed');
      await t(ctx.db)
        .updateTable('catalog.imports')
        .set({ status: 'failed', finished_at: new Date() })
        .where('id', '=', id)
        .execute();
    })
    .finally(() => rm(dir, { recursive: true, force: true }));
  return { importId: id };
}

async function runImport(ctx: Ctx, deps: CatalogDeps, id: string, file: string): Promise<void> {
  const db = t(ctx.db);
  await db.updateTable('catalog.imports').set({ status: 'running' }).where('id', '=', id).execute();
  const errors: ImportStatus['errors'] = [];
  let total = 0;
  let created = 0;
  let failed = 0;
  const fail = (line: number, path: string, message: string) => {
    failed += 1;
    if (errors.length < MAX_ERRORS) errors.push({ line, path, message });
  };
  const progress = () =>
    db
      .updateTable('catalog.imports')
      .set({ total_rows: total, created_rows: created, failed_rows: failed, errors: JSON.stringify(errors) })
      .where('id', '=', id)
      .execute();
  const parser = createReadStream(file).pipe(
    parse({
      columns: true,
      bom: true,
      trim: true,
      skip_empty_lines: true,
      info: true,
      relax_column_count: true,
    }),
  );
  for await (const { record, info } of parser as AsyncIterable<{
    record: Record<string, string>;
    info: { lines: number };
  }>) {
    total += 1;
    const body = bodyOf(record);
    const problem = Value.Errors(CreateProductBody, body)[0];
    if (problem) fail(info.lines, problem.instancePath || '/', problem.message);
    else {
      try {
        await createProduct(ctx, deps, Value.Default(CreateProductBody, body) as CreateProductBody);
        created += 1;
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        fail(info.lines, err.errors?.[0]?.path.replace('/body', '') ?? '/', err.message);
      }
    }
    if (total % 100 === 0) await progress();
  }
  await progress();
  await db
    .updateTable('catalog.imports')
    .set({ status: 'completed', finished_at: new Date() })
    .where('id', '=', id)
    .execute();
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
