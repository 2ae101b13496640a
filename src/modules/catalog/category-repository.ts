import type { Kysely } from 'kysely';
import { scoped, type AnyDb } from '../../platform/db.js';
import type { CatalogTables, CategoryRow, SellerRow } from './tables.js';

type Db = Kysely<CatalogTables>;
const t = (db: AnyDb): Db => scoped<CatalogTables>(db);

const CATEGORY_COLUMNS = ['id', 'parent_id', 'name', 'slug', 'path', 'depth', 'created_at'] as const;
const SELLER_COLUMNS = ['user_id', 'name', 'slug', 'description', 'created_at', 'updated_at'] as const;

export async function insertCategories(db: AnyDb, rows: Omit<CategoryRow, 'created_at'>[]): Promise<void> {
  if (rows.length) await t(db).insertInto('catalog.categories').values(rows).execute();
}

export function findCategory(db: AnyDb, id: string): Promise<CategoryRow | undefined> {
  return t(db)
    .selectFrom('catalog.categories')
    .select(CATEGORY_COLUMNS)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function categorySlugTaken(db: AnyDb, slug: string): Promise<boolean> {
  const row = await t(db)
    .selectFrom('catalog.categories')
    .select('id')
    .where('slug', '=', slug)
    .executeTakeFirst();
  return row !== undefined;
}

/** Every category, parents before children. */
export function listCategories(db: AnyDb): Promise<CategoryRow[]> {
  return t(db)
    .selectFrom('catalog.categories')
    .select(CATEGORY_COLUMNS)
    .orderBy('depth')
    .orderBy('name')
    .execute();
}

export function findSeller(db: AnyDb, userId: string): Promise<SellerRow | undefined> {
  return t(db)
    .selectFrom('catalog.sellers')
    .select(SELLER_COLUMNS)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

/** Creates the profile when missing; returns it either way. */
export async function ensureSeller(
  db: AnyDb,
  seller: { userId: string; name: string; slug: string },
): Promise<SellerRow> {
  await t(db)
    .insertInto('catalog.sellers')
    .values({ user_id: seller.userId, name: seller.name, slug: seller.slug, description: '' })
    .onConflict((oc) => oc.column('user_id').doNothing())
    .execute();
  const row = await findSeller(db, seller.userId);
  if (!row) throw new Error('seller profile vanished');
  return row;
}

export function updateSeller(
  db: AnyDb,
  userId: string,
  patch: { name: string; slug: string; description?: string },
): Promise<SellerRow | undefined> {
  return t(db)
    .updateTable('catalog.sellers')
    .set({
      name: patch.name,
      slug: patch.slug,
      ...(patch.description !== undefined && { description: patch.description }),
      updated_at: new Date(),
    })
    .where('user_id', '=', userId)
    .returning(SELLER_COLUMNS)
    .executeTakeFirst();
}

export async function sellerSlugTaken(db: AnyDb, slug: string, exceptUserId: string): Promise<boolean> {
  const row = await t(db)
    .selectFrom('catalog.sellers')
    .select('user_id')
    .where('slug', '=', slug)
    .where('user_id', '<>', exceptUserId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Inserts categories whose id or slug is not taken yet (seeding). */
export async function insertCategoriesIfMissing(
  db: AnyDb,
  rows: Omit<CategoryRow, 'created_at'>[],
): Promise<void> {
  if (rows.length)
    await t(db)
      .insertInto('catalog.categories')
      .values(rows)
      .onConflict((oc) => oc.doNothing())
      .execute();
}
