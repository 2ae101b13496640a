import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table catalog.sellers (
      user_id uuid primary key,
      name text not null,
      slug text not null,
      description text not null default '',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create unique index sellers_slug_key on catalog.sellers (slug)`.execute(db);

  await sql`
    create table catalog.categories (
      id uuid primary key,
      parent_id uuid references catalog.categories (id),
      name text not null,
      slug text not null,
      path text not null,
      depth integer not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create unique index categories_slug_key on catalog.categories (slug)`.execute(db);
  await sql`create unique index categories_path_key on catalog.categories (path text_pattern_ops)`.execute(
    db,
  );
  await sql`create index categories_parent_idx on catalog.categories (parent_id)`.execute(db);

  await sql`
    create table catalog.products (
      id uuid primary key,
      seller_id uuid not null,
      title text not null,
      slug text not null,
      description text not null default '',
      brand text not null,
      category_id uuid not null references catalog.categories (id),
      category_path text not null,
      attributes jsonb not null default '{}',
      images jsonb not null default '[]',
      status text not null check (status in ('draft', 'published', 'archived')),
      price_amount bigint not null check (price_amount >= 0),
      currency char(3) not null,
      in_stock boolean not null,
      -- milliseconds, so keyset cursors carried through JavaScript dates compare exactly
      created_at timestamptz not null default date_trunc('milliseconds', now()),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create unique index products_slug_key on catalog.products (slug)`.execute(db);
  await sql`create index products_seller_idx on catalog.products (seller_id, created_at desc, id desc)`.execute(
    db,
  );
  // The public listing reads only published products, in one of three keyset orders.
  await sql`create index products_pub_newest_idx on catalog.products (created_at desc, id desc) where status = 'published'`.execute(
    db,
  );
  await sql`create index products_pub_price_idx on catalog.products (price_amount, id) where status = 'published'`.execute(
    db,
  );
  await sql`create index products_pub_category_idx on catalog.products (category_path text_pattern_ops) where status = 'published'`.execute(
    db,
  );
  await sql`create index products_pub_brand_idx on catalog.products (brand, created_at desc, id desc) where status = 'published'`.execute(
    db,
  );

  await sql`
    create table catalog.variants (
      id uuid primary key,
      product_id uuid not null references catalog.products (id) on delete cascade,
      sku text not null,
      title text not null,
      price_amount bigint not null check (price_amount >= 0),
      currency char(3) not null,
      attributes jsonb not null default '{}',
      initial_stock integer not null default 0 check (initial_stock >= 0),
      position integer not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create unique index variants_sku_key on catalog.variants (sku)`.execute(db);
  await sql`create index variants_product_idx on catalog.variants (product_id, position)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table catalog.variants, catalog.products, catalog.categories, catalog.sellers`.execute(db);
}
