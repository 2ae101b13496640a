import { LRUCache } from 'lru-cache';
import type { Redis } from 'ioredis';

/**
 * Cache-aside store and small counters. Redis when configured (shared by every process),
 * an in-process LRU otherwise. Values are JSON.
 */
export interface Cache {
  readonly kind: 'redis' | 'memory';
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  del(...keys: string[]): Promise<void>;
  /**
   * Reads `key`, or loads it once however many callers miss at the same time in this process
   * (single flight), stores it and returns it.
   */
  wrap<T>(key: string, ttlSeconds: number, load: () => Promise<T>): Promise<T>;
}

abstract class BaseCache {
  private readonly inflight = new Map<string, Promise<unknown>>();
  abstract get<T>(key: string): Promise<T | undefined>;
  abstract set(key: string, value: unknown, ttlSeconds: number): Promise<void>;

  async wrap<T>(key: string, ttlSeconds: number, load: () => Promise<T>): Promise<T> {
    const hit = await this.get<T>(key);
    if (hit !== undefined) return hit;
    const pending = this.inflight.get(key) as Promise<T> | undefined;
    if (pending) return pending;
    const p = (async () => {
      try {
        const value = await load();
        await this.set(key, value, ttlSeconds);
        return value;
      } finally {
        this.inflight.delete(key);
      }
    })();
    this.inflight.set(key, p);
    return p;
  }
}

/** Where a process's memory cache tells the other processes on its database what it deleted. */
export interface CachePeers {
  publish(keys: string[]): void;
}

export class MemoryCache extends BaseCache implements Cache {
  readonly kind = 'memory' as const;
  private readonly lru: LRUCache<string, { v: unknown }>;
  private peers: CachePeers | null = null;

  constructor(max = 10_000) {
    super();
    this.lru = new LRUCache({ max, ttlAutopurge: false });
  }

  async get<T>(key: string): Promise<T | undefined> {
    return this.lru.get(key)?.v as T | undefined;
  }
  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    this.lru.set(key, { v: value }, { ttl: ttlSeconds * 1000 });
  }
  async del(...keys: string[]): Promise<void> {
    for (const k of keys) this.lru.delete(k);
    if (keys.length) this.peers?.publish(keys);
  }
  /** From now on each `del` is told to `peers` too (see cache-peers.ts). */
  shareDeletesWith(peers: CachePeers): void {
    this.peers = peers;
  }
  /** Keys another process deleted; none: its messages may have been lost, so everything goes. */
  dropFromPeer(keys?: string[]): void {
    if (!keys) this.lru.clear();
    else for (const k of keys) this.lru.delete(k);
  }
}

export class RedisCache extends BaseCache implements Cache {
  readonly kind = 'redis' as const;
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'agora:',
  ) {
    super();
  }

  async get<T>(key: string): Promise<T | undefined> {
    const raw = await this.redis.get(this.prefix + key);
    return raw === null ? undefined : (JSON.parse(raw) as T);
  }
  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.prefix + key, JSON.stringify(value), 'EX', Math.max(1, Math.ceil(ttlSeconds)));
  }
  async del(...keys: string[]): Promise<void> {
    if (keys.length) await this.redis.del(...keys.map((k) => this.prefix + k));
  }
}
