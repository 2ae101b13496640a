import { createHash, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Cache } from '../../platform/cache.js';

/** A cached public answer and its entity tag, computed once when the entry is filled. */
export interface Cached<T> {
  etag: string;
  body: T;
}

export const etagOf = (body: unknown): string =>
  `"${createHash('sha1').update(JSON.stringify(body)).digest('base64url')}"`;

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
  /**
   * Lifetime of the in-process copy kept in front of Redis. Another process sees a change after
   * at most this long; the process that made it sees it at once (it drops its own copy).
   */
  l1TtlMs: number;
  l1Max: number;
}

export const DEFAULT_READ_CACHE: ReadCacheOptions = {
  ttlSeconds: { product: 300, list: 60 },
  l1TtlMs: 1_000,
  l1Max: 5_000,
};

const GEN_KEY = 'catalog:list:gen';

/**
 * Cache-aside for the catalog's public reads: an in-process L1 (only when the shared cache is
 * Redis; the memory cache is already in process) in front of `rt.cache`, single flight on a miss
 * (`cache.wrap`). Product answers are dropped by key on a change; list answers carry a generation
 * that every product change bumps, so no list key has to be found to be dropped.
 */
export class ReadCache {
  private readonly l1: LRUCache<string, { v: unknown }> | null;

  constructor(
    private readonly shared: Cache,
    private readonly opts: ReadCacheOptions = DEFAULT_READ_CACHE,
  ) {
    this.l1 = shared.kind === 'redis' ? new LRUCache({ max: opts.l1Max, ttl: opts.l1TtlMs }) : null;
  }

  private async read<T>(key: string, ttlSeconds: number, load: () => Promise<T>): Promise<T> {
    const near = this.l1?.get(key);
    if (near) return near.v as T;
    const value = await this.shared.wrap(key, ttlSeconds, load);
    this.l1?.set(key, { v: value });
    return value;
  }

  product<T>(idOrSlug: string, load: () => Promise<T | null>): Promise<Cached<T> | null> {
    return this.read(`catalog:p:${idOrSlug}`, this.opts.ttlSeconds.product, async () => {
      const body = await load();
      return body === null ? null : { etag: etagOf(body), body };
    });
  }

  async list<T>(queryKey: string, load: () => Promise<T>): Promise<Cached<T>> {
    const gen = await this.read(GEN_KEY, 86_400, async () => randomBytes(6).toString('hex'));
    return this.read(`catalog:l:${gen}:${queryKey}`, this.opts.ttlSeconds.list, async () => {
      const body = await load();
      return { etag: etagOf(body), body };
    });
  }

  /** Drops the cached answers for these products (by id and every slug they had) and all lists. */
  async invalidate(idsAndSlugs: string[]): Promise<void> {
    const keys = [...new Set(idsAndSlugs)].map((k) => `catalog:p:${k}`);
    for (const k of [...keys, GEN_KEY]) this.l1?.delete(k);
    await this.shared.set(GEN_KEY, randomBytes(6).toString('hex'), 86_400);
    await this.shared.del(...keys);
  }
}
