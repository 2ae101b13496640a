import type { Ctx } from '../../platform/context.js';
import { UnauthorizedError, ValidationError } from '../../platform/errors.js';
import * as categories from './category-repository.js';
import { ProductNotFoundError, UnknownCategoryError } from './errors.js';
import { decodeCursor, encodeCursor, presentProduct } from './presenters.js';
import { loadProduct, productCacheKey, type CatalogDeps } from './product-service.js';
import { cachedOf, type Cached } from './read-cache.js';
import * as repo from './repository.js';
import { categoryTree } from './category-service.js';
import type {
  CategoryTree,
  Product,
  ProductListQuery,
  ProductPage,
  SellerProductListQuery,
} from './schemas.js';

/**
 * A product as the public sees it: published only, served from the cache. Its owner and admins
 * also see drafts and archived products (never cached).
 * @throws ProductNotFoundError
 */
export async function getProduct(
  ctx: Ctx,
  deps: CatalogDeps,
  idOrSlug: string,
): Promise<Cached<Product> | { etag: null; body: Product }> {
  const loadPublished = async () => {
    const product = await loadProduct(ctx.db, deps, idOrSlug);
    return product?.status === 'published' ? product : null;
  };
  const key = productCacheKey(idOrSlug);
  const cached = key
    ? await deps.cache.product(key, loadPublished, skusOfProduct)
    : await loadPublished().then((p) => p && cachedOf(p, skusOfProduct(p)));
  if (cached) return cached;
  if (ctx.actor) {
    const product = await loadProduct(ctx.db, deps, idOrSlug);
    if (product && (ctx.actor.role === 'admin' || product.sellerId === ctx.actor.userId))
      return { etag: null, body: product };
  }
  throw new ProductNotFoundError();
}

/** The category tree, served from the cache (every page of the storefront asks for it). */
export function getCategoryTree(ctx: Ctx, deps: CatalogDeps): Promise<Cached<CategoryTree>> {
  return deps.cache.categories(async () => ({ items: await categoryTree(ctx) }));
}

/**
 * Published products, filtered and in keyset order, each page with its variants loaded in one
 * query. Served from the cache.
 * @throws UnknownCategoryError, ValidationError for a malformed cursor or an empty price range
 */
export async function listProducts(
  ctx: Ctx,
  deps: CatalogDeps,
  q: ProductListQuery,
): Promise<Cached<ProductPage>> {
  const sort = q.sort ?? 'newest';
  const after = decodeCursor(q.cursor);
  // a price cursor carries a price (a safe integer, so it fits the column), a newest cursor a date
  const fits = sort === 'newest' ? typeof after?.value === 'string' : Number.isSafeInteger(after?.value);
  if (q.cursor && (!after || !fits))
    throw new ValidationError([{ path: '/query/cursor', message: 'is not a valid cursor' }]);
  if (q.minPrice !== undefined && q.maxPrice !== undefined && q.minPrice > q.maxPrice)
    throw new ValidationError([{ path: '/query/minPrice', message: 'must not exceed maxPrice' }]);
  const key = JSON.stringify([
    sort,
    q.limit,
    q.cursor,
    q.categoryId,
    q.brand,
    q.sellerId,
    q.minPrice,
    q.maxPrice,
    q.inStock,
  ]);
  return deps.cache.list(
    key,
    async () => {
      let categoryPath: string | undefined;
      if (q.categoryId) {
        const category = await categories.findCategory(ctx.db, q.categoryId);
        if (!category) throw new UnknownCategoryError('/query/categoryId');
        categoryPath = category.path;
      }
      const rows = await repo.listPublished(ctx.db, { ...q, categoryPath, sort, after, limit: q.limit });
      const more = rows.length > q.limit;
      const page = more ? rows.slice(0, q.limit) : rows;
      const variants = await repo.variantsOf(
        ctx.db,
        page.map((r) => r.id),
      );
      const stock = await deps.stock.available(ctx.db, [...variants.values()].flat());
      const items = page.map((r) => presentProduct(r, variants.get(r.id) ?? [], stock));
      const last = page.at(-1);
      const nextCursor =
        more && last
          ? encodeCursor(
              sort === 'newest' ? last.created_at.toISOString() : Number(last.price_amount),
              last.id,
            )
          : null;
      return { items, nextCursor };
    },
    skusOfPage,
  );
}

const skusOfProduct = (p: Product): string[] => p.variants.map((v) => v.sku);
const skusOfPage = (page: ProductPage): string[] => page.items.flatMap(skusOfProduct);

/**
 * The products a seller manages, in any status (drafts included), newest first; admins see every
 * seller's, or one seller's with `sellerId`. Never cached: it is the seller's working list.
 * @throws ValidationError for a malformed cursor
 */
export async function listSellerProducts(
  ctx: Ctx,
  deps: CatalogDeps,
  q: SellerProductListQuery,
): Promise<ProductPage> {
  const actor = ctx.actor;
  if (!actor) throw new UnauthorizedError();
  const after = decodeCursor(q.cursor);
  if (q.cursor && (!after || typeof after.value !== 'string'))
    throw new ValidationError([{ path: '/query/cursor', message: 'is not a valid cursor' }]);
  const sellerId = actor.role === 'admin' ? q.sellerId : actor.userId;
  const rows = await repo.listForSeller(ctx.db, { sellerId, status: q.status, after, limit: q.limit });
  const more = rows.length > q.limit;
  const page = more ? rows.slice(0, q.limit) : rows;
  const variants = await repo.variantsOf(
    ctx.db,
    page.map((r) => r.id),
  );
  const stock = await deps.stock.available(
    ctx.db,
    [...variants.values()].flat().map((v) => ({ sku: v.sku, initialStock: v.initial_stock })),
  );
  const last = page.at(-1);
  return {
    items: page.map((r) => presentProduct(r, variants.get(r.id) ?? [], stock)),
    nextCursor: more && last ? encodeCursor(last.created_at.toISOString(), last.id) : null,
  };
}
