import type { Money } from './events.js';
import { cachedOf, type Cached } from './read-cache.js';

/** A running flash-sale offer for one SKU, as product pages and listings show it. */
export interface SaleOffer {
  saleId: string;
  salePrice: Money;
  remaining: number;
  endsAt: string;
}

/**
 * Where the catalog learns of running flash sales. Owned here, implemented by the flash-sales
 * module (served from its memory, no query) and passed in by the composition root, so the
 * catalog does not depend on flash sales.
 */
export interface SaleOverlay {
  forSkus(skus: readonly string[]): Map<string, SaleOffer>;
}

interface OfferTarget {
  flashSale?: SaleOffer;
  variants: { sku: string; flashSale?: SaleOffer }[];
}

/** Sets `flashSale` on each variant on sale and, on the product, the lowest of them. */
export function applyOffers(product: OfferTarget, offers: Map<string, SaleOffer>): void {
  let best: SaleOffer | undefined;
  for (const v of product.variants) {
    const offer = offers.get(v.sku);
    if (!offer) continue;
    v.flashSale = offer;
    if (!best || offer.salePrice.amount < best.salePrice.amount) best = offer;
  }
  if (best) product.flashSale = best;
}

/**
 * A cached answer with the running sales' offers laid over it, after the read cache: when none of
 * its SKUs is on sale (the common case) the cached answer itself, untouched; otherwise parsed,
 * amended and served with its own entity tag (the remaining quantity changes it).
 */
export function withOffers<T>(
  cached: Cached<T>,
  overlay: SaleOverlay | undefined,
  shape: 'product' | 'page',
): Cached<T> {
  if (!overlay || !cached.skus?.length) return cached;
  const offers = overlay.forSkus(cached.skus);
  if (!offers.size) return cached;
  const body = JSON.parse(cached.json) as OfferTarget | { items: OfferTarget[] };
  if (shape === 'product') applyOffers(body as OfferTarget, offers);
  else for (const p of (body as { items: OfferTarget[] }).items) applyOffers(p, offers);
  return cachedOf(body as T, cached.skus);
}
