import type { ColumnType, Generated, Selectable } from 'kysely';

/** JSON columns: written as a JSON string, read back as the parsed value. */
type Json<T> = ColumnType<T, string, string>;

export type ProductStatus = 'draft' | 'published' | 'archived';

export interface CatalogTables {
  'catalog.sellers': {
    user_id: string;
    name: string;
    slug: string;
    description: string;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  'catalog.categories': {
    id: string;
    parent_id: string | null;
    name: string;
    slug: string;
    /** Materialized path of ids, `/<root id>/<child id>/.../`: a subtree is a prefix match. */
    path: string;
    depth: number;
    created_at: Generated<Date>;
  };
  'catalog.products': {
    id: string;
    seller_id: string;
    title: string;
    slug: string;
    description: string;
    brand: string;
    category_id: string;
    /** Copy of the category's path (categories never move), so subtree filters need no join. */
    category_path: string;
    attributes: Json<Record<string, string>>;
    images: Json<string[]>;
    status: ProductStatus;
    /** The lowest variant price, kept for price filters and sorts. */
    price_amount: number;
    currency: string;
    /** Any variant has stock; maintained from the stock source on every write. */
    in_stock: boolean;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  'catalog.variants': {
    id: string;
    product_id: string;
    sku: string;
    title: string;
    price_amount: number;
    currency: string;
    attributes: Json<Record<string, string>>;
    /** Stock until the inventory module owns it; read through `StockSource` only. */
    initial_stock: number;
    position: number;
    created_at: Generated<Date>;
  };
}

export interface CatalogImportTables {
  'catalog.imports': {
    id: string;
    seller_id: string;
    /** Whom the rows are created as: the seller, or an admin importing their own products. */
    actor_role: 'seller' | 'admin';
    status: 'queued' | 'running' | 'completed' | 'failed';
    total_rows: number;
    created_rows: number;
    failed_rows: number;
    errors: Json<{ line: number; path: string; message: string }[]>;
    created_at: Generated<Date>;
    finished_at: Date | null;
  };
  /** The uploaded CSV until its import completes, so any worker can run (and resume) it. */
  'catalog.import_files': {
    import_id: string;
    body: Buffer;
  };
}

export type SellerRow = Selectable<CatalogTables['catalog.sellers']>;
export type CategoryRow = Selectable<CatalogTables['catalog.categories']>;
export type ProductRow = Selectable<CatalogTables['catalog.products']>;
export type VariantRow = Selectable<CatalogTables['catalog.variants']>;
