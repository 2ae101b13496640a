import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { AnyDb } from '../../platform/db.js';
import { CSV_COLUMNS } from './csv-import.js';
import * as repo from './repository.js';

async function* rows(db: AnyDb, sellerId: string | undefined): AsyncGenerator<string[]> {
  let after: string | null = null;
  for (;;) {
    const products = await repo.productsAfter(db, after, 500, sellerId);
    if (!products.length) return;
    const variants = await repo.variantsOf(
      db,
      products.map((p) => p.id),
    );
    for (const p of products) {
      for (const v of variants.get(p.id) ?? []) {
        yield [
          p.title,
          p.description,
          p.brand,
          p.category_id,
          p.status,
          v.sku,
          v.title,
          String(v.price_amount),
          v.currency,
          String(v.initial_stock),
          Object.entries({ ...p.attributes, ...v.attributes })
            .map(([k, val]) => `${k}=${val}`)
            .join(';'),
          p.images.join(' '),
        ];
      }
    }
    after = products[products.length - 1].id;
  }
}

/**
 * The products of one seller (every product for `undefined`) as CSV, one row per variant, in the
 * columns the import takes; streamed in batches of 500 products.
 */
export function exportCsv(db: AnyDb, sellerId: string | undefined): Readable {
  return Readable.from(rows(db, sellerId)).pipe(stringify({ header: true, columns: [...CSV_COLUMNS] }));
}
