import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db);
  await sql`
    create table search.documents (
      product_id uuid primary key,
      -- false for drafts and archived products: kept (not deleted) so a late, older event
      -- cannot bring a removed product back
      listed boolean not null,
      title text not null,
      slug text not null,
      brand text not null,
      description text not null,
      seller_id uuid not null,
      category_id uuid not null,
      -- every category from the root to the product's own: a subtree filter is one GIN lookup
      category_ids uuid[] not null,
      price_amount bigint not null,
      currency char(3) not null,
      in_stock boolean not null,
      attributes jsonb not null,
      image text,
      created_at timestamptz not null,
      -- the product's updatedAt: an event older than what is stored is ignored
      source_updated_at timestamptz not null,
      indexed_at timestamptz not null default now(),
      document tsvector generated always as (
        setweight(to_tsvector('english'::regconfig, title), 'A') ||
        setweight(to_tsvector('english'::regconfig, brand), 'B') ||
        setweight(to_tsvector('english'::regconfig, description), 'C')
      ) stored
    )`.execute(db);
  await sql`create index documents_fts_idx on search.documents using gin (document) where listed`.execute(db);
  await sql`create index documents_title_trgm_idx on search.documents using gin (title gin_trgm_ops) where listed`.execute(
    db,
  );
  await sql`create index documents_title_prefix_idx on search.documents (lower(title) text_pattern_ops) where listed`.execute(
    db,
  );
  await sql`create index documents_brand_prefix_idx on search.documents (lower(brand) text_pattern_ops) where listed`.execute(
    db,
  );
  await sql`create index documents_categories_idx on search.documents using gin (category_ids) where listed`.execute(
    db,
  );
  await sql`create index documents_attributes_idx on search.documents using gin (attributes jsonb_path_ops) where listed`.execute(
    db,
  );
  await sql`create index documents_newest_idx on search.documents (created_at desc, product_id desc) where listed`.execute(
    db,
  );
  // Every word of the indexed titles, brands and descriptions: the vocabulary that a misspelt
  // query word is corrected against (pg_trgm similarity), as PostgreSQL's docs suggest.
  await sql`create table search.terms (term text primary key)`.execute(db);
  await sql`create index terms_trgm_idx on search.terms using gin (term gin_trgm_ops)`.execute(db);
  await sql`create index documents_price_idx on search.documents (price_amount, product_id) where listed`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table search.terms, search.documents`.execute(db);
}
