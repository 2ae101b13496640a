/**
 * Catalog: sellers' profiles, products with variants, categories.
 * The door other modules use: the events it publishes (types below) and a stream of product
 * snapshots for consumers that rebuild their own copy (the search index).
 */
import type { Runtime } from '../../platform/runtime.js';
import type { JobRunner } from '../../platform/jobs/runner.js';
import type { Ctx } from '../../platform/context.js';
import type { Readable } from 'node:stream';
import {
  IMPORT_JOB,
  importFile,
  runImportJob,
  type ImportJobPayload,
  type ImportStatus,
} from './csv-import.js';
import type { AuthGuard } from '../../platform/http/auth.js';
import type { AnyDb } from '../../platform/db.js';
import { snapshotOf } from './presenters.js';
import type { CatalogDeps } from './product-service.js';
import { ReadCache } from './read-cache.js';
import * as repo from './repository.js';
import { catalogRoutes } from './routes.js';
import type { SellerNameLookup } from './seller-service.js';
import type { StockSource } from './stock.js';
import { INVALIDATE_JOB, stockSubscription, type InvalidateJobPayload } from './stock-sync.js';
import type { Subscription } from '../../platform/events/bus.js';
import type { Money, ProductSnapshot } from './events.js';
import type { SaleOverlay } from './sale-overlay.js';
import type { ProductStatus } from './tables.js';

export { catalogMigrations } from './migrations/index.js';
export { seedCatalog, type SeedOptions } from './seed/seed.js';
export type { CatalogEvents, ProductSnapshot, ProductEventType, Money } from './events.js';
export type { StockSource } from './stock.js';
export type { SaleOverlay, SaleOffer } from './sale-overlay.js';
export type { SellerNameLookup } from './seller-service.js';
export type { ProductStatus } from './tables.js';
export {
  findProductSummaries,
  findPublishedProductId,
  productAddress,
  type ProductSummary,
} from './summaries.js';

export interface CatalogModule {
  deps: CatalogDeps;
  routes(guard: AuthGuard): ReturnType<typeof catalogRoutes>;
  /**
   * The bus subscriptions of this module (consumer `catalog.stock`: inventory's stock changes).
   * @throws Error when the module was created without the job runner, which they need
   */
  subscriptions(): Subscription[];
  /** Imports a CSV stream as `ctx.actor` in this process (the `agora import` command). */
  importCsv(
    ctx: Ctx,
    input: Readable,
    onProgress: (p: { rows: number; created: number; failed: number }) => void,
  ): Promise<ImportStatus>;
}

export function createCatalogModule(
  rt: Runtime,
  opts: { sellerName: SellerNameLookup; stock: StockSource; jobs?: JobRunner; saleOverlay?: SaleOverlay },
): CatalogModule {
  const deps: CatalogDeps = {
    cache: new ReadCache(rt.cache),
    stock: opts.stock,
    sellerName: opts.sellerName,
    saleOverlay: opts.saleOverlay,
  };
  const { jobs } = opts;
  jobs?.register<ImportJobPayload>(IMPORT_JOB, (payload, job) => runImportJob(deps, payload, job));
  jobs?.register<InvalidateJobPayload>(INVALIDATE_JOB, (payload) => deps.cache.invalidate(payload.keys));
  return {
    deps,
    routes: (guard) => catalogRoutes({ ...deps, db: rt.database.db, guard }),
    subscriptions: () => {
      if (!jobs) throw new Error('the catalog subscriptions need the job runner');
      return [stockSubscription({ ...deps, jobs })];
    },
    importCsv: (ctx, input, onProgress) => importFile(ctx, deps, input, onProgress),
  };
}

/**
 * Every product (any status) as the snapshot its events carry, in batches of `batchSize`, in id
 * order: two queries per batch (products, then their variants).
 */
export async function* streamProductsForIndex(
  db: AnyDb,
  batchSize = 1_000,
): AsyncGenerator<ProductSnapshot[]> {
  let after: string | null = null;
  for (;;) {
    const rows = await repo.productsAfter(db, after, batchSize);
    if (!rows.length) return;
    const variants = await repo.variantsOf(
      db,
      rows.map((r) => r.id),
    );
    yield rows.map((r) => snapshotOf(r, variants.get(r.id) ?? []));
    if (rows.length < batchSize) return;
    after = rows[rows.length - 1].id;
  }
}

/** How many products exist (any status). */
export const countProducts = (db: AnyDb): Promise<number> => repo.countProducts(db);

/** A variant as other modules (cart, orders, flash sales) see it: price, product and seller. */
export interface VariantInfo {
  sku: string;
  productId: string;
  sellerId: string;
  productTitle: string;
  variantTitle: string;
  slug: string;
  /** The product's first image. */
  image: string | null;
  price: Money;
  /** The product's status: only `published` variants can be bought. */
  status: ProductStatus;
}

/**
 * The variants of `skus` (any product status), keyed by SKU, in one query however many SKUs are
 * asked for. SKUs that do not exist are absent from the map.
 */
export async function findVariants(db: AnyDb, skus: readonly string[]): Promise<Map<string, VariantInfo>> {
  const rows = await repo.variantsBySku(db, skus);
  return new Map(
    rows.map((r) => [
      r.sku,
      {
        sku: r.sku,
        productId: r.product_id,
        sellerId: r.seller_id,
        productTitle: r.product_title,
        variantTitle: r.variant_title,
        slug: r.slug,
        image: r.image,
        price: { amount: Number(r.price_amount), currency: r.currency },
        status: r.status,
      },
    ]),
  );
}
