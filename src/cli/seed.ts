import { randomBytes } from 'node:crypto';
import cliProgress from 'cli-progress';
import type { Config } from '../platform/config.js';
import { createRuntime, type Runtime } from '../platform/runtime.js';
import { migrate } from '../app.js';
import { countProducts, seedCatalog, streamProductsForIndex } from '../modules/catalog/index.js';
import { createPasswordHasher, ensureSeller } from '../modules/identity/index.js';
import { createSearchModule, type SearchModule } from '../modules/search/index.js';
import { inventoryStock } from '../modules/inventory/index.js';

interface SeedReport {
  /** Products of this seed asked for (`--products`). */
  requested: number;
  /** Of those, the ones this run inserted; the rest were there from an earlier run. */
  added: number;
  /** Products in the catalog afterwards, of every seed and seller. */
  total: number;
  sellers: { email: string; password?: string }[];
  ms: number;
}

function progressBar(label: string, total: number, quiet: boolean) {
  if (quiet) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label.padEnd(9)} [{bar}] {percentage}% | {value}/{total} | {duration}s`,
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 5_000,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { update: (n: number) => bar.update(n), stop: () => bar.stop() };
}

/**
 * Seller accounts (through identity's door), the catalog with its stock (inventory's door), then
 * the search index rebuilt from it.
 * New seller accounts get a random password, returned once.
 */
export async function seedAll(
  rt: Runtime,
  search: SearchModule,
  opts: { products: number; seed: number; quiet?: boolean },
): Promise<SeedReport> {
  const started = performance.now();
  const db = rt.database.db;
  const sellerCount = Math.min(25, Math.max(3, Math.ceil(opts.products / 4_000)));
  const hasher = createPasswordHasher(rt);
  const sellers: SeedReport['sellers'] = [];
  const sellerIds: string[] = [];
  for (let n = 1; n <= sellerCount; n++) {
    const email = `seller${n}@demo.agora.test`;
    const password = randomBytes(12).toString('base64url');
    const { user, created } = await ensureSeller(
      { db, actor: null, requestId: 'seed', log: rt.log },
      { hasher },
      { email, password, name: `Demo Seller ${n}` },
    );
    sellerIds.push(user.id);
    sellers.push(created ? { email, password } : { email });
  }
  const catalogBar = progressBar('catalog', opts.products, opts.quiet ?? false);
  const { added } = await seedCatalog(db, {
    products: opts.products,
    sellerIds,
    stock: inventoryStock,
    seed: opts.seed,
    onProgress: catalogBar.update,
  });
  catalogBar.stop();
  const total = await countProducts(db);
  const indexBar = progressBar('search', total, opts.quiet ?? false);
  await search.rebuild(streamProductsForIndex(db, 1_000), indexBar.update);
  indexBar.stop();
  return {
    requested: opts.products,
    added,
    total,
    sellers,
    ms: Math.round(performance.now() - started),
  };
}

/**
 * What a seed run did: the products it added, not the number asked for (the seed is deterministic,
 * so a second run of the same seed adds none), and those it found there.
 */
export function seedSummary(report: SeedReport, seed: number): string {
  const existing = report.requested - report.added;
  const plural = (n: number) => `${n} product${n === 1 ? '' : 's'}`;
  return (
    `added ${plural(report.added)} of seed ${seed} (${existing} of the ${report.requested} asked for ` +
    `already there); the catalog has ${plural(report.total)}; ${(report.ms / 1000).toFixed(1)} s`
  );
}

/** `agora seed --products N [--seed S]` */
export async function seedCommand(config: Config, opts: { products: number; seed: number }): Promise<number> {
  const rt = await createRuntime(config);
  try {
    await migrate(rt);
    const report = await seedAll(rt, createSearchModule(rt), opts);
    process.stdout.write(`${seedSummary(report, opts.seed)}\n`);
    for (const s of report.sellers)
      process.stdout.write(`  seller ${s.email}${s.password ? ` password ${s.password}` : ' (existing)'}\n`);
    return 0;
  } finally {
    await rt.close();
  }
}

/** `agora search reindex`: rebuilds the search index from the catalog. */
export async function searchReindexCommand(config: Config): Promise<number> {
  const rt = await createRuntime(config);
  try {
    await migrate(rt);
    const db = rt.database.db;
    const bar = progressBar('search', await countProducts(db), false);
    const n = await createSearchModule(rt).rebuild(streamProductsForIndex(db, 1_000), bar.update);
    bar.stop();
    process.stdout.write(`indexed ${n} products\n`);
    return 0;
  } finally {
    await rt.close();
  }
}

/** On `agora start`: a small demo catalog when the database has no products and AGORA_SEED_DEMO is on. */
export async function seedDemoIfEmpty(rt: Runtime, search: SearchModule): Promise<void> {
  if (!rt.config.AGORA_SEED_DEMO || (await countProducts(rt.database.db)) > 0) return;
  const report = await seedAll(rt, search, { products: 60, seed: 1, quiet: true });
  rt.log.info(
    { products: report.added, sellers: report.sellers.map((s) => s.email), ms: report.ms },
    'seeded a demo catalog (AGORA_SEED_DEMO)',
  );
}
