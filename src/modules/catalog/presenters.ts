import { isIsoInstant, isUuid } from '../../platform/ids.js';
import type { ProductSnapshot } from './events.js';
import type { Category, CategoryNode, Product, SellerProfile } from './schemas.js';
import { availabilityOf } from './stock.js';
import type { CategoryRow, ProductRow, SellerRow, VariantRow } from './tables.js';

export const pathIds = (path: string): string[] => path.split('/').filter(Boolean);

export function presentProduct(row: ProductRow, variants: VariantRow[], stock: Map<string, number>): Product {
  return {
    id: row.id,
    sellerId: row.seller_id,
    title: row.title,
    slug: row.slug,
    description: row.description,
    brand: row.brand,
    categoryId: row.category_id,
    attributes: row.attributes,
    images: row.images,
    status: row.status,
    price: { amount: Number(row.price_amount), currency: row.currency },
    inStock: row.in_stock,
    variants: variants.map((v) => ({
      id: v.id,
      sku: v.sku,
      title: v.title,
      price: { amount: Number(v.price_amount), currency: v.currency },
      attributes: v.attributes,
      availability: availabilityOf(stock.get(v.sku) ?? 0),
    })),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The event payload: everything a consumer such as the search index needs. */
export function snapshotOf(row: ProductRow, variants: VariantRow[]): ProductSnapshot {
  return {
    id: row.id,
    sellerId: row.seller_id,
    title: row.title,
    slug: row.slug,
    description: row.description,
    brand: row.brand,
    categoryId: row.category_id,
    categoryPath: pathIds(row.category_path),
    attributes: row.attributes,
    images: row.images,
    status: row.status,
    price: { amount: Number(row.price_amount), currency: row.currency },
    inStock: row.in_stock,
    variants: variants.map((v) => ({
      sku: v.sku,
      title: v.title,
      price: { amount: Number(v.price_amount), currency: v.currency },
      attributes: v.attributes,
    })),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function presentCategory(row: CategoryRow): Category {
  return {
    id: row.id,
    parentId: row.parent_id,
    name: row.name,
    slug: row.slug,
    depth: row.depth,
    path: pathIds(row.path),
  };
}

/** Rows ordered parents first → the forest of roots with nested children. */
export function treeOf(rows: CategoryRow[]): CategoryNode[] {
  const nodes = new Map<string, CategoryNode>();
  const roots: CategoryNode[] = [];
  for (const row of rows) {
    const node: CategoryNode = { ...presentCategory(row), children: [] };
    nodes.set(row.id, node);
    const parent = row.parent_id ? nodes.get(row.parent_id) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

export function presentSeller(row: SellerRow): SellerProfile {
  return {
    userId: row.user_id,
    name: row.name,
    slug: row.slug,
    description: row.description,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Opaque keyset cursor: the sort value and id of the last row served. */
export function encodeCursor(value: string | number, id: string): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): { value: string | number; id: string } | undefined {
  if (!cursor) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      (typeof parsed[0] === 'number' || (typeof parsed[0] === 'string' && isIsoInstant(parsed[0]))) &&
      typeof parsed[1] === 'string' &&
      isUuid(parsed[1])
    ) {
      return { value: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through: a malformed cursor is a validation error
  }
  return undefined;
}
