/**
 * The composition root: builds the runtime, migrates, creates each module with what it needs,
 * and assembles the HTTP app. The one file that knows every module.
 */
import type { Config } from './platform/config.js';
import { createRuntime, type Runtime, type RuntimeOverrides } from './platform/runtime.js';
import { migrateAll, type SchemaMigrations } from './platform/migrations.js';
import { platformMigrations } from './platform/migrations/index.js';
import { buildHttp, type App } from './platform/http/build.js';
import { createAuthGuard } from './platform/http/auth.js';
import {
  createIdentityModule,
  ensureAdmin,
  identityMigrations,
  createPasswordHasher,
  findUserName,
} from './modules/identity/index.js';
import { catalogMigrations, createCatalogModule } from './modules/catalog/index.js';
import { createSearchModule, searchMigrations, type SearchModule } from './modules/search/index.js';

/** Every schema's migrations, in dependency order. */
export const ALL_MIGRATIONS: SchemaMigrations[] = [
  platformMigrations,
  identityMigrations,
  catalogMigrations,
  searchMigrations,
];

export interface Agora {
  rt: Runtime;
  app: App;
  /** The search module, whose event subscriptions the event bus registers. */
  search: SearchModule;
  close(): Promise<void>;
}

export async function migrate(rt: Runtime): Promise<void> {
  await migrateAll(rt.database.db, ALL_MIGRATIONS, rt.log);
}

export async function createAgora(
  config: Config,
  overrides: RuntimeOverrides & { migrate?: boolean; webRoot?: string } = {},
): Promise<Agora> {
  const rt = await createRuntime(config, overrides);
  try {
    if (overrides.migrate !== false) await migrate(rt);
    const identity = await createIdentityModule(rt);
    const guard = createAuthGuard(identity.tokens);
    const catalog = createCatalogModule(rt, { sellerName: findUserName });
    const search = createSearchModule(rt);
    if (config.AGORA_ADMIN_EMAIL && config.AGORA_ADMIN_PASSWORD) {
      const { created } = await ensureAdmin(
        { db: rt.database.db, actor: null, requestId: 'startup', log: rt.log },
        { hasher: createPasswordHasher(rt) },
        { email: config.AGORA_ADMIN_EMAIL, password: config.AGORA_ADMIN_PASSWORD },
      );
      if (created)
        rt.log.info({ email: config.AGORA_ADMIN_EMAIL }, 'admin account created from configuration');
    }
    const readiness: Record<string, () => Promise<void>> = { database: () => rt.database.ping() };
    if (rt.redis) {
      const redis = rt.redis;
      readiness.cache = async () => {
        await redis.ping();
      };
    }
    const app = await buildHttp(rt, {
      routes: [identity.routes(guard), catalog.routes(guard), search.routes()],
      readiness,
      webRoot: overrides.webRoot,
    });
    return {
      rt,
      app,
      search,
      async close() {
        await app.close();
        await rt.close();
      },
    };
  } catch (err) {
    await rt.close();
    throw err;
  }
}
