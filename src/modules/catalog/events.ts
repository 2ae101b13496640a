import type { ProductStatus } from './tables.js';

export const CATALOG_SOURCE = '/agora/catalog';

export interface Money {
  amount: number;
  currency: string;
}

/**
 * The whole product as an event carries it: complete enough for a consumer (the search index)
 * to build its own copy without calling back.
 */
export interface ProductSnapshot {
  id: string;
  sellerId: string;
  title: string;
  slug: string;
  description: string;
  brand: string;
  categoryId: string;
  /** Ids from the root to the product's category. */
  categoryPath: string[];
  attributes: Record<string, string>;
  images: string[];
  status: ProductStatus;
  /** The lowest variant price. */
  price: Money;
  inStock: boolean;
  variants: { sku: string; title: string; price: Money; attributes: Record<string, string> }[];
  createdAt: string;
  updatedAt: string;
}

/** Events the catalog publishes (CloudEvents `type` → `data`). */
export interface CatalogEvents {
  'product.created': ProductSnapshot;
  'product.updated': ProductSnapshot;
  'product.archived': ProductSnapshot;
  'category.created': { id: string; parentId: string | null; name: string; slug: string; path: string[] };
}

export type ProductEventType = 'product.created' | 'product.updated' | 'product.archived';
