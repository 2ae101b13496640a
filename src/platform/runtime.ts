import type { Redis } from 'ioredis';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Config } from './config.js';
import { openDatabase, type Database } from './db.js';
import { createLogger, type Logger } from './logger.js';
import { MemoryCache, RedisCache, type Cache } from './cache.js';
import { shareMemoryCache } from './cache-peers.js';
import { startTracing, type Tracing } from './tracing.js';

/**
 * The process-wide resources every module is built from. Created once by the composition root
 * (`src/app.ts`) and handed down explicitly; nothing here is a global.
 */
export interface Runtime {
  readonly config: Config;
  readonly log: Logger;
  readonly database: Database;
  readonly cache: Cache;
  /** Present when REDIS_URL is set. */
  readonly redis: Redis | null;
  readonly metrics: Registry;
  /** Present when an OTLP endpoint is configured (tracing.ts). */
  readonly tracing: Tracing | null;
  close(): Promise<void>;
}

export interface RuntimeOverrides {
  log?: Logger;
  /** Opens a prepared PGlite database (tests). */
  loadDataDir?: Blob;
}

export async function createRuntime(config: Config, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  const log = overrides.log ?? createLogger(config);
  // before the database opens: its connections' statements are traced from the first
  const tracing = await startTracing(config, log);
  const database = await openDatabase({
    url: config.DATABASE_URL,
    poolMax: config.DATABASE_POOL_MAX,
    poolTimeoutMs: config.DATABASE_POOL_TIMEOUT_MS,
    dataDir: config.dataDir,
    loadDataDir: overrides.loadDataDir,
    log,
  });
  let redis: Redis | null = null;
  if (config.REDIS_URL) {
    // Loaded only when configured: ioredis adds ~100 ms to a start that does not use it.
    const { Redis } = await import('ioredis');
    redis = new Redis(config.REDIS_URL, {
      connectTimeout: 2_000,
      commandTimeout: 2_000,
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
      lazyConnect: false,
    });
    redis.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
  }
  let cache: Cache;
  let stopSharing: (() => Promise<void>) | undefined;
  if (redis) cache = new RedisCache(redis, config.REDIS_PREFIX);
  else {
    const memory = new MemoryCache();
    // other processes may share a PostgreSQL database (PGlite's is this process's alone)
    if (database.kind === 'postgres')
      stopSharing = await shareMemoryCache(memory, database, log).catch(async (err: unknown) => {
        await database.close();
        throw err;
      });
    cache = memory;
  }
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  return {
    config,
    log,
    database,
    cache,
    redis,
    metrics,
    tracing,
    async close() {
      await stopSharing?.();
      await database.close();
      if (redis) redis.disconnect();
      await tracing?.shutdown();
    },
  };
}
