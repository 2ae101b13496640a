import { v5 as uuidv5 } from 'uuid';
import type { AnyDb } from '../../../platform/db.js';
import { insertCategoriesIfMissing } from '../category-repository.js';
import { slugify } from '../slugs.js';
import type { StockSource } from '../stock.js';
import { bulkInsertProducts, bulkInsertVariants, type BulkProduct, type BulkVariant } from './bulk.js';
import { ADJECTIVES, BRANDS, FEATURES, MODELS, TREE, type LeafSpec } from './vocabulary.js';

const NAMESPACE = '6f1d3c52-8a0e-4e7b-9d61-2b7c0f5a9e34';
const BASE_TIME = Date.UTC(2026, 0, 1);

/** A small, fast, seeded PRNG (mulberry32): the same seed gives the same catalog. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
  };
}

interface Leaf extends LeafSpec {
  id: string;
  path: string;
}

/** Creates the demo category tree (3 levels) unless it exists; returns its leaves. */
export async function seedCategories(db: AnyDb): Promise<Leaf[]> {
  const rows: {
    id: string;
    parent_id: string | null;
    name: string;
    slug: string;
    path: string;
    depth: number;
  }[] = [];
  const leaves: Leaf[] = [];
  const add = (names: string[], parent: { id: string; path: string } | null) => {
    const id = uuidv5(`category:${names.join('/')}`, NAMESPACE);
    const path = `${parent?.path ?? '/'}${id}/`;
    rows.push({
      id,
      parent_id: parent?.id ?? null,
      name: names.at(-1) ?? '',
      slug: slugify(names.join(' ')),
      path,
      depth: names.length - 1,
    });
    return { id, path };
  };
  for (const [rootName, children] of Object.entries(TREE)) {
    const root = add([rootName], null);
    for (const [childName, specs] of Object.entries(children)) {
      const child = add([rootName, childName], root);
      for (const spec of specs) leaves.push({ ...spec, ...add([rootName, childName, spec.name], child) });
    }
  }
  await insertCategoriesIfMissing(db, rows);
  return leaves;
}

function sentence(r: ReturnType<typeof rng>, title: string, leaf: Leaf, attributes: Record<string, string>) {
  const features = [r.pick(FEATURES), r.pick(FEATURES), r.pick(FEATURES)];
  const details = Object.entries(attributes)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const summary = `The ${title} is a ${leaf.noun.toLowerCase()} ${features[0]}, ${features[1]} and ${features[2]}.`;
  return details ? `${summary} Details: ${details}.` : summary;
}

/** The i-th product of seed `seed`: the same inputs always give the same product. */
function productAt(seed: number, i: number, leaves: Leaf[], sellerIds: string[]) {
  const r = rng(seed * 1_000_003 + i);
  const leaf = r.pick(leaves);
  const brand = r.pick(BRANDS);
  const title = `${brand} ${r.pick(ADJECTIVES)} ${leaf.noun} ${r.pick(MODELS)}`;
  const attributes: Record<string, string> = {};
  for (const [name, choices] of Object.entries(leaf.attributes))
    if (r.next() < 0.8) attributes[name] = r.pick(choices);
  const id = uuidv5(`product:${seed}:${i}`, NAMESPACE);
  const price = Math.max(99, Math.round((leaf.basePrice * (0.4 + r.next() * 1.6)) / 100) * 100 - 1);
  const roll = r.next();
  const status = roll < 0.96 ? 'published' : roll < 0.98 ? 'draft' : 'archived';
  const variantCount = r.int(1, 3);
  const variants: BulkVariant[] = [];
  for (let v = 0; v < variantCount; v++) {
    const stockRoll = r.next();
    const stock = stockRoll < 0.12 ? 0 : stockRoll < 0.22 ? r.int(1, 5) : r.int(6, 400);
    const color = r.pick(leaf.attributes.color ?? ['standard']);
    variants.push({
      id: uuidv5(`variant:${seed}:${i}:${v}`, NAMESPACE),
      product_id: id,
      sku: `SEED${seed}-${i.toString(36).toUpperCase()}-${v}`,
      title: `${color[0].toUpperCase()}${color.slice(1)}`,
      price_amount: price + v * Math.max(100, Math.round(price * 0.1)),
      currency: 'USD',
      attributes: { color },
      initial_stock: stock,
      position: v,
    });
  }
  const product: BulkProduct = {
    id,
    seller_id: sellerIds[i % sellerIds.length],
    title,
    slug: `${slugify(title, 60)}-${seed}-${i.toString(36)}`,
    description: sentence(r, title, leaf, attributes),
    brand,
    category_id: leaf.id,
    category_path: leaf.path,
    attributes,
    images: [`https://images.agora.example/${seed}/${i}.jpg`],
    status,
    price_amount: price,
    currency: 'USD',
    in_stock: variants.some((v) => v.initial_stock > 0),
    created_at: new Date(BASE_TIME - i * 137_000).toISOString(),
  };
  return { product, variants };
}

export interface SeedOptions {
  products: number;
  /** Sellers the products are spread over (at least one). */
  sellerIds: string[];
  /** Where the variants' stock is created (inventory), in the same transaction as each batch. */
  stock: StockSource;
  /** Same seed, same catalog; a different seed adds a different set. Default 1. */
  seed?: number;
  /** Rows per INSERT. Default 1,000. */
  batchSize?: number;
  onProgress?: (done: number) => void;
}

/**
 * Generates a realistic, deterministic catalog: a three-level category tree, brands, attributes,
 * prices, stock (through `opts.stock`) and descriptions, inserted in batches (one statement per batch
 * and table).
 * Products that exist (same seed and index) are skipped, so running it twice adds nothing.
 * @returns `requested` (`opts.products`), `added` (the products it inserted; the others were
 * there) and the number of leaf categories
 */
export async function seedCatalog(
  db: AnyDb,
  opts: SeedOptions,
): Promise<{ requested: number; added: number; categories: number }> {
  if (!opts.sellerIds.length) throw new Error('seedCatalog needs at least one seller');
  const seed = opts.seed ?? 1;
  const batchSize = opts.batchSize ?? 1_000;
  const leaves = await seedCategories(db);
  let added = 0;
  for (let start = 0; start < opts.products; start += batchSize) {
    const end = Math.min(opts.products, start + batchSize);
    const products: BulkProduct[] = [];
    const variants: BulkVariant[] = [];
    for (let i = start; i < end; i++) {
      const p = productAt(seed, i, leaves, opts.sellerIds);
      products.push(p.product);
      variants.push(...p.variants);
    }
    const sellerOf = new Map(products.map((p) => [p.id, p.seller_id]));
    added += await db.transaction().execute(async (trx) => {
      const inserted = await bulkInsertProducts(trx, products);
      await bulkInsertVariants(trx, variants);
      // Every generated variant, also of products a previous run created: a seed run fills in
      // the stock of its own products that have none yet, and leaves existing stock alone.
      await opts.stock.seed(
        trx,
        variants.map((v) => ({
          sku: v.sku,
          sellerId: sellerOf.get(v.product_id) ?? '',
          quantity: v.initial_stock,
        })),
      );
      return inserted;
    });
    opts.onProgress?.(end);
  }
  return { requested: opts.products, added, categories: leaves.length };
}
