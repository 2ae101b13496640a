import { createHash } from 'node:crypto';
import type { Cache } from '../../platform/cache.js';
import { NearCache, type NearCacheOptions } from '../../platform/near-cache.js';

/**
 * A cached public answer, serialized once when the entry is filled (a hit is sent as it is, with
 * no serialization), and its entity tag. `T` is the type of the answer `json` encodes.
 */
export interface Cached<T> {
  etag: string;
  json: string;
  /** The SKUs the answer shows, for laying running flash-sale offers over it. */
  skus?: string[];
  /** Type marker only; never set. */
  readonly type?: T;
}

export const etagOf = (json: string): string => `"${createHash('sha1').update(json).digest('base64url')}"`;

export function cachedOf<T>(body: T, skus?: string[]): Cached<T> {
  const json = JSON.stringify(body);
  return skus ? { etag: etagOf(json), json, skus } : { etag: etagOf(json), json };
}

/** Whether an `If-None-Match` header matches `etag` (weak comparison, lists and `*` allowed). */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
}

export interface ReadCacheOptions {
  /** Lifetime in the shared cache (Redis or the process LRU). */
  ttlSeconds: { product: number; list: number };
  near: NearCacheOptions;
}

export const DEFAULT_READ_CACHE: ReadCacheOptions = {
  ttlSeconds: { product: 300, list: 60 },
  near: { l1TtlMs: 1_000, l1Max: 5_000 },
};

/**
 * Cache-aside for the catalog's public reads (`NearCache`: L1 in front of Redis, single flight).
 * Every answer carries a generation that a change bumps: its product's (by id and by slug) for a
 * product answer, the one of all lists for a list answer, so no key has to be found to be dropped,
 * and a load that read the data before the change cannot be cached over it.
 */
export class ReadCache {
  private readonly cache: NearCache;

  constructor(
    shared: Cache,
    private readonly opts: ReadCacheOptions = DEFAULT_READ_CACHE,
  ) {
    this.cache = new NearCache(shared, opts.near);
  }

  /**
   * A product answer, under a generation of its id or slug: a load that began before a change
   * committed (it read the old row) finishes under the generation that the change's invalidation
   * left behind, where nobody reads it, instead of filling the key after it was dropped.
   */
  async product<T>(
    idOrSlug: string,
    load: () => Promise<T | null>,
    skusOf?: (body: T) => string[],
  ): Promise<Cached<T> | null> {
    const gen = await this.cache.generation(`catalog:p:${idOrSlug}`, this.opts.ttlSeconds.product);
    return this.cache.read(`catalog:p:${gen}:${idOrSlug}`, this.opts.ttlSeconds.product, async () => {
      const body = await load();
      return body === null ? null : cachedOf(body, skusOf?.(body));
    });
  }

  async list<T>(
    queryKey: string,
    load: () => Promise<T>,
    skusOf?: (body: T) => string[],
  ): Promise<Cached<T>> {
    const gen = await this.cache.generation('catalog:lists');
    return this.cache.read(`catalog:l:${gen}:${queryKey}`, this.opts.ttlSeconds.list, async () => {
      const body = await load();
      return cachedOf(body, skusOf?.(body));
    });
  }

  /**
   * The category tree. A category created through the API bumps its generation; one written
   * by `agora seed` in another process shows within the list lifetime.
   */
  async categories<T>(load: () => Promise<T>): Promise<Cached<T>> {
    const gen = await this.cache.generation('catalog:categories');
    return this.cache.read(`catalog:c:${gen}`, this.opts.ttlSeconds.list, async () => cachedOf(await load()));
  }

  async invalidateCategories(): Promise<void> {
    await this.cache.bump('catalog:categories');
  }

  /**
   * Drops the cached answers for these products (by id and every slug they had) and all lists, by
   * starting new generations of them. Called after the change committed.
   */
  async invalidate(idsAndSlugs: string[]): Promise<void> {
    await this.cache.bump('catalog:lists');
    for (const k of new Set(idsAndSlugs.filter(Boolean)))
      await this.cache.bump(`catalog:p:${k}`, this.opts.ttlSeconds.product);
  }
}
