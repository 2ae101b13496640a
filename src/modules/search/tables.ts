import type { ColumnType, Generated } from 'kysely';

export interface SearchTables {
  'search.documents': {
    product_id: string;
    listed: boolean;
    title: string;
    slug: string;
    brand: string;
    description: string;
    seller_id: string;
    category_id: string;
    category_ids: string[];
    price_amount: number;
    currency: string;
    in_stock: boolean;
    attributes: ColumnType<Record<string, string>, string, string>;
    image: string | null;
    created_at: ColumnType<Date, Date | string, Date | string>;
    source_updated_at: ColumnType<Date, Date | string, Date | string>;
    indexed_at: Generated<Date>;
    document: ColumnType<string, never, never>;
  };
  'search.terms': { term: string };
}
