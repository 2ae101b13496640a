import type { Ctx } from '../../platform/context.js';
import type { AnyDb } from '../../platform/db.js';
import type { DegradedMode } from '../../platform/degraded.js';
import type { NearCache } from '../../platform/near-cache.js';
import {
  findProductSummaries,
  findPublishedProductId,
  productAddress,
  type ProductSummary,
} from '../catalog/index.js';
import { ProductNotFoundError } from './errors.js';
import * as repo from './repository.js';

/** How long an answer is kept (shared cache): a new order or an unpublished product shows within it. */
export const ANSWER_TTL_SECONDS = 60;
/** How long the best sellers are kept: one aggregate for every product page. */
export const POPULAR_TTL_SECONDS = 300;

export type Basis = 'bought_together' | 'popular' | 'none';

/** An answer as it is kept: null for an address no published product has. */
export interface Kept {
  items: ProductSummary[];
  basis: Basis;
}

export interface RecommendationsAnswer extends Kept {
  degraded: boolean;
}

export interface RecommendationsDeps {
  cache: NearCache;
  degraded: DegradedMode;
}

const answerKey = (address: string, limit: number) => `recs:a:${address}:${limit}`;
const POPULAR_KEY = 'recs:popular';

/**
 * "Customers who bought this also bought": the published products bought in the same orders as
 * this one (among its most recent orders), the most often first, then the best sellers of the last
 * 30 days up to `limit`. Kept in the shared cache for ANSWER_TTL_SECONDS, per address and limit.
 * While the degraded mode is on it never reaches the database: it answers what is kept, or an
 * empty answer with `degraded: true`.
 * @throws ProductNotFoundError (not_found) for an address no published product has
 */
export async function recommend(
  ctx: Ctx,
  deps: RecommendationsDeps,
  idOrSlug: string,
  limit: number,
): Promise<RecommendationsAnswer> {
  const address = productAddress(idOrSlug);
  if (!address) throw new ProductNotFoundError();
  const key = answerKey(address, limit);
  let kept: Kept | null | undefined;
  if (deps.degraded.active()) {
    kept = await deps.cache.peek<Kept | null>(key).catch((err: unknown) => {
      ctx.log.warn({ err: (err as Error).message }, 'recommendations: cache unreachable while degraded');
      return undefined;
    });
    if (kept === undefined) return { items: [], basis: 'none', degraded: true };
  } else {
    kept = await deps.cache.read(key, ANSWER_TTL_SECONDS, () => compute(ctx.db, deps, address, limit));
  }
  if (kept === null) throw new ProductNotFoundError();
  return { ...kept, degraded: false };
}

/**
 * Four statements at most, whatever `limit`: the product's id, the products bought with it, the
 * best sellers (kept for every product, so usually none), and every candidate's card in one
 * catalog call (unpublished ones are left out there).
 */
async function compute(
  db: AnyDb,
  deps: RecommendationsDeps,
  address: string,
  limit: number,
): Promise<Kept | null> {
  const productId = await findPublishedProductId(db, address);
  if (!productId) return null;
  const together = await repo.boughtTogether(db, productId);
  const popular = await deps.cache.read(POPULAR_KEY, POPULAR_TTL_SECONDS, () => repo.popular(db));
  const cards = await findProductSummaries(db, [
    ...together.map((c) => c.productId),
    ...popular.map((c) => c.productId),
  ]);
  const shown = new Set([productId]);
  const items: ProductSummary[] = [];
  const take = (candidates: repo.ProductCount[]) => {
    for (const { productId: id } of candidates) {
      if (items.length >= limit) return;
      const card = cards.get(id);
      if (!card || shown.has(id)) continue;
      shown.add(id);
      items.push(card);
    }
  };
  take(together);
  const boughtTogether = items.length;
  take(popular);
  return {
    items,
    basis: boughtTogether > 0 ? 'bought_together' : items.length > 0 ? 'popular' : 'none',
  };
}
