import { isUuid, uuidv7 } from '../../platform/ids.js';
import type { Transaction } from 'kysely';
import type { Ctx } from '../../platform/context.js';
import { refuseBlank, UnauthorizedError, ValidationError, type FieldError } from '../../platform/errors.js';
import { publishEvents } from '../../platform/events/outbox.js';
import type { Actor } from '../../platform/http/auth.js';
import type { AnyDb } from '../../platform/db.js';
import * as categories from './category-repository.js';
import {
  DuplicateSkuError,
  NotProductOwnerError,
  ProductNotFoundError,
  SkuOfAnotherSellerError,
  SlugTakenError,
  UnknownCategoryError,
} from './errors.js';
import { CATALOG_SOURCE, type ProductEventType } from './events.js';
import { presentProduct, snapshotOf } from './presenters.js';
import type { SaleOverlay } from './sale-overlay.js';
import type { ReadCache } from './read-cache.js';
import * as repo from './repository.js';
import type { CreateProductBody, PatchProductBody, Product, VariantBody } from './schemas.js';
import { ensureSellerProfile, type SellerNameLookup } from './seller-service.js';
import { slugify, suffixed, uniqueViolation } from './slugs.js';
import type { StockSource } from './stock.js';
import type { ProductRow, VariantRow } from './tables.js';

export interface CatalogDeps {
  cache: ReadCache;
  stock: StockSource;
  sellerName: SellerNameLookup;
  /** Running flash-sale offers laid over public reads (absent: none). */
  saleOverlay?: SaleOverlay;
}

function actorRequired(ctx: Ctx): Actor {
  if (!ctx.actor) throw new UnauthorizedError();
  return ctx.actor;
}

/** Title, brand and variant titles must not be blank (only whitespace). */
function refuseBlankText(input: { title?: string; brand?: string; variants?: VariantBody[] }) {
  refuseBlank([
    ['/body/title', input.title],
    ['/body/brand', input.brand],
    ...(input.variants ?? []).map((v, i): [string, string] => [`/body/variants/${i}/title`, v.title]),
  ]);
}

/** Price and currency of a set of variants; all must share one currency. */
function summarize(variants: VariantBody[]) {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const currency = variants[0].price.currency;
  variants.forEach((v, i) => {
    if (seen.has(v.sku)) errors.push({ path: `/body/variants/${i}/sku`, message: 'is repeated' });
    seen.add(v.sku);
    if (v.price.currency !== currency)
      errors.push({
        path: `/body/variants/${i}/price/currency`,
        message: `must be ${currency} like the first variant`,
      });
  });
  if (errors.length) throw new ValidationError(errors, 'The variants are not valid');
  return {
    priceAmount: Math.min(...variants.map((v) => v.price.amount)),
    currency,
  };
}

const variantRows = (productId: string, variants: VariantBody[]): repo.NewVariant[] =>
  variants.map((v, position) => ({
    id: uuidv7(),
    productId,
    sku: v.sku,
    title: v.title,
    priceAmount: v.price.amount,
    currency: v.price.currency,
    attributes: v.attributes ?? {},
    initialStock: v.initialStock ?? 0,
    position,
  }));

async function categoryPathOf(db: AnyDb, categoryId: string): Promise<string> {
  const category = await categories.findCategory(db, categoryId);
  if (!category) throw new UnknownCategoryError();
  return category.path;
}

async function freeSlug(db: AnyDb, wanted: string | undefined, title: string, exceptId?: string) {
  if (wanted) {
    if (await repo.slugTaken(db, wanted, exceptId)) throw new SlugTakenError(wanted);
    return wanted;
  }
  const base = slugify(title);
  return (await repo.slugTaken(db, base, exceptId)) ? suffixed(base) : base;
}

async function assertSkusFree(db: AnyDb, variants: VariantBody[], productId?: string) {
  const taken = await repo.skusTaken(
    db,
    variants.map((v) => v.sku),
    productId,
  );
  if (taken.length) throw new DuplicateSkuError(taken);
}

/** Maps a unique violation that slipped past the checks (a concurrent writer) to a conflict. */
function conflictOf(err: unknown, skus: string[], slug: string): unknown {
  const constraint = uniqueViolation(err);
  if (constraint === 'variants_sku_key') return new DuplicateSkuError(skus);
  if (constraint === 'products_slug_key') return new SlugTakenError(slug);
  return err;
}

/**
 * Hands the initial stock of `variants` whose SKU is new to the stock source (inventory), in the
 * catalog's transaction, and answers whether any of the variants now has units to sell.
 * @throws SkuOfAnotherSellerError when a SKU's stock belongs to another seller
 */
async function stockFor(
  trx: Transaction<unknown>,
  ctx: Ctx,
  deps: CatalogDeps,
  sellerId: string,
  variants: VariantBody[],
  existingSkus: ReadonlySet<string> = new Set(),
): Promise<boolean> {
  const lines = variants
    .filter((v) => !existingSkus.has(v.sku))
    .map((v) => ({ sku: v.sku, quantity: v.initialStock ?? 0 }));
  if (lines.length) {
    const { otherSellers } = await deps.stock.initialize(trx, {
      sellerId,
      lines,
      correlationId: ctx.requestId,
    });
    if (otherSellers.length) {
      const refused = new Set(otherSellers);
      throw new SkuOfAnotherSellerError(
        variants.flatMap((v, i) =>
          refused.has(v.sku) ? [{ sku: v.sku, path: `/body/variants/${i}/sku` }] : [],
        ),
      );
    }
  }
  const available = await deps.stock.available(trx, variants);
  return variants.some((v) => (available.get(v.sku) ?? 0) > 0);
}

async function emit(
  trx: Transaction<unknown>,
  ctx: Ctx,
  type: ProductEventType,
  row: ProductRow,
  variants: VariantRow[],
) {
  await publishEvents(trx, { source: CATALOG_SOURCE, correlationId: ctx.requestId }, [
    { type, subject: row.id, data: snapshotOf(row, variants) },
  ]);
}

/**
 * Creates a product with its variants for the acting seller (or admin).
 * @throws UnknownCategoryError, DuplicateSkuError, SkuOfAnotherSellerError, SlugTakenError, ValidationError
 */
export async function createProduct(ctx: Ctx, deps: CatalogDeps, input: CreateProductBody): Promise<Product> {
  const actor = actorRequired(ctx);
  refuseBlankText(input);
  const summary = summarize(input.variants);
  const id = uuidv7();
  let slug = '';
  const created = await ctx.db
    .transaction()
    .execute(async (trx) => {
      const categoryPath = await categoryPathOf(trx, input.categoryId);
      await assertSkusFree(trx, input.variants);
      slug = await freeSlug(trx, input.slug, input.title);
      if (actor.role === 'seller') await ensureSellerProfile(trx, actor.userId, deps.sellerName);
      const inStock = await stockFor(trx, ctx, deps, actor.userId, input.variants);
      await repo.insertProducts(trx, [
        {
          id,
          sellerId: actor.userId,
          title: input.title.trim(),
          slug,
          description: input.description ?? '',
          brand: input.brand.trim(),
          categoryId: input.categoryId,
          categoryPath,
          attributes: input.attributes ?? {},
          images: input.images ?? [],
          status: input.status,
          ...summary,
          inStock,
        },
      ]);
      await repo.insertVariants(trx, variantRows(id, input.variants));
      const row = await repo.findProduct(trx, { id });
      const variants = (await repo.variantsOf(trx, [id])).get(id) ?? [];
      if (!row) throw new ProductNotFoundError();
      await emit(trx, ctx, 'product.created', row, variants);
      return { row, variants };
    })
    .catch((err: unknown) => {
      throw conflictOf(
        err,
        input.variants.map((v) => v.sku),
        slug,
      );
    });
  await deps.cache.invalidate([id, slug]);
  return present(ctx.db, deps, created.row, created.variants);
}

async function present(db: AnyDb, deps: CatalogDeps, row: ProductRow, variants: VariantRow[]) {
  return presentProduct(row, variants, await deps.stock.available(db, variants));
}

/** Locks the product and checks that the actor may change it. */
async function ownedForUpdate(trx: AnyDb, actor: Actor, id: string): Promise<ProductRow> {
  const row = await repo.lockProduct(trx, id);
  if (!row) throw new ProductNotFoundError();
  if (actor.role !== 'admin' && row.seller_id !== actor.userId) throw new NotProductOwnerError();
  return row;
}

/**
 * Changes a product; `variants`, when given, replaces the whole list (matched by SKU).
 * @throws ProductNotFoundError, NotProductOwnerError, UnknownCategoryError, DuplicateSkuError,
 *   SkuOfAnotherSellerError, SlugTakenError
 */
export async function updateProduct(
  ctx: Ctx,
  deps: CatalogDeps,
  id: string,
  patch: PatchProductBody,
): Promise<Product> {
  const actor = actorRequired(ctx);
  refuseBlankText(patch);
  const summary = patch.variants ? summarize(patch.variants) : {};
  let oldSlug = '';
  let slug = '';
  const updated = await ctx.db
    .transaction()
    .execute(async (trx) => {
      const before = await ownedForUpdate(trx, actor, id);
      oldSlug = before.slug;
      const categoryPath = patch.categoryId ? await categoryPathOf(trx, patch.categoryId) : undefined;
      if (patch.variants) await assertSkusFree(trx, patch.variants, id);
      slug = patch.slug && patch.slug !== before.slug ? await freeSlug(trx, patch.slug, '', id) : before.slug;
      let inStock: boolean | undefined;
      if (patch.variants) {
        const previous = await repo.deleteVariants(trx, id);
        await repo.insertVariants(trx, variantRows(id, patch.variants));
        inStock = await stockFor(trx, ctx, deps, before.seller_id, patch.variants, new Set(previous));
      }
      const row = await repo.updateProductRow(trx, id, {
        ...patch,
        title: patch.title?.trim(),
        brand: patch.brand?.trim(),
        slug,
        categoryPath,
        ...summary,
        inStock,
      });
      if (!row) throw new ProductNotFoundError();
      const variants = (await repo.variantsOf(trx, [id])).get(id) ?? [];
      const type =
        row.status === 'archived' && before.status !== 'archived' ? 'product.archived' : 'product.updated';
      await emit(trx, ctx, type, row, variants);
      return { row, variants };
    })
    .catch((err: unknown) => {
      throw conflictOf(
        err,
        (patch.variants ?? []).map((v) => v.sku),
        slug,
      );
    });
  await deps.cache.invalidate([id, oldSlug, slug]);
  return present(ctx.db, deps, updated.row, updated.variants);
}

/**
 * Archives a product: it leaves listings and search, its page answers 404, its data stays.
 * Archiving an archived product changes nothing and emits nothing.
 * @throws ProductNotFoundError, NotProductOwnerError
 */
export async function archiveProduct(ctx: Ctx, deps: CatalogDeps, id: string): Promise<void> {
  const actor = actorRequired(ctx);
  const slug = await ctx.db.transaction().execute(async (trx) => {
    const before = await ownedForUpdate(trx, actor, id);
    if (before.status === 'archived') return before.slug;
    const row = await repo.updateProductRow(trx, id, { status: 'archived' });
    if (!row) throw new ProductNotFoundError();
    const variants = (await repo.variantsOf(trx, [id])).get(id) ?? [];
    await emit(trx, ctx, 'product.archived', row, variants);
    return row.slug;
  });
  await deps.cache.invalidate([id, slug]);
}

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * The one spelling of a product address that its cached answer is kept under (and that a change
 * invalidates): an id in lower case (any case finds the product), a slug as it is. Null for what
 * can be neither, which is never cached.
 */
export function productCacheKey(idOrSlug: string): string | null {
  if (isUuid(idOrSlug)) return idOrSlug.toLowerCase();
  return SLUG.test(idOrSlug) ? idOrSlug : null;
}

/** One product by id or slug, with variants and availability, or null. No visibility rules. */
export async function loadProduct(db: AnyDb, deps: CatalogDeps, idOrSlug: string): Promise<Product | null> {
  const row = await repo.findProduct(
    db,
    isUuid(idOrSlug) ? { id: idOrSlug.toLowerCase() } : { slug: idOrSlug },
  );
  if (!row) return null;
  const variants = (await repo.variantsOf(db, [row.id])).get(row.id) ?? [];
  return present(db, deps, row, variants);
}
