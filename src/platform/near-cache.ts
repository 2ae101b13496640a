import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Cache } from './cache.js';

export interface NearCacheOptions {
  /**
   * Lifetime of the in-process copy kept in front of Redis. Another process sees a change after
   * at most this long; the process that made it sees it at once (it drops its own copy).
   */
  l1TtlMs: number;
  l1Max: number;
}

/**
 * Cache-aside reads through the shared cache (`rt.cache`) with a small in-process L1 in front of
 * it when the shared cache is Redis (the memory cache is in process already), single flight on a
 * miss (`cache.wrap`), and named generations: a key built with `generation(name)` is dropped for
 * every reader by `bump(name)`, without finding the keys.
 */
export class NearCache {
  private readonly l1: LRUCache<string, { v: unknown }> | null;

  constructor(
    private readonly shared: Cache,
    opts: NearCacheOptions = { l1TtlMs: 1_000, l1Max: 5_000 },
  ) {
    this.l1 = shared.kind === 'redis' ? new LRUCache({ max: opts.l1Max, ttl: opts.l1TtlMs }) : null;
  }

  async read<T>(key: string, ttlSeconds: number, load: () => Promise<T>): Promise<T> {
    const near = this.l1?.get(key);
    if (near) return near.v as T;
    const value = await this.shared.wrap(key, ttlSeconds, load);
    this.l1?.set(key, { v: value });
    return value;
  }

  /**
   * What `read` would answer without loading anything: the in-process copy, else the shared
   * cache's; `undefined` on a miss (for answers that must not reach the database now).
   */
  async peek<T>(key: string): Promise<T | undefined> {
    const near = this.l1?.get(key);
    if (near) return near.v as T;
    return this.shared.get<T>(key);
  }

  /**
   * The current generation tag of `name`. A tag lives `ttlSeconds` (at least as long as the keys
   * built with it are worth keeping); an expired one is replaced by a new one, which only misses.
   */
  generation(name: string, ttlSeconds = 86_400): Promise<string> {
    return this.read(`gen:${name}`, ttlSeconds, async () => randomBytes(6).toString('hex'));
  }

  /** Starts a new generation of `name`: keys built with the old one are never read again. */
  async bump(name: string, ttlSeconds = 86_400): Promise<void> {
    const key = `gen:${name}`;
    this.l1?.delete(key);
    // In process memory the tag is deleted (the next read makes a new one): a memory cache tells
    // its deletes to the other processes on the database (MemoryCache.del), not its writes.
    if (this.shared.kind === 'memory') await this.shared.del(key);
    else await this.shared.set(key, randomBytes(6).toString('hex'), ttlSeconds);
  }

  async del(keys: string[]): Promise<void> {
    for (const k of keys) this.l1?.delete(k);
    if (keys.length) await this.shared.del(...keys);
  }
}
