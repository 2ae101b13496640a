/**
 * Types of the Agora HTTP API as the web app uses it, mirroring the route schemas
 * (src/modules/<module>/schemas.ts; the running server's `/openapi.json`).
 */

export type Role = 'buyer' | 'seller' | 'admin';

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
}

export interface AuthResult {
  user: User;
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface AddressInput {
  name: string;
  line1: string;
  line2?: string | null;
  city: string;
  region?: string | null;
  postalCode: string;
  country: string;
  phone?: string | null;
  isDefault?: boolean;
}

export interface Address extends Required<AddressInput> {
  id: string;
  line2: string | null;
  region: string | null;
  phone: string | null;
  createdAt: string;
}

export interface Money {
  amount: number;
  currency: string;
}

export type Availability = 'in_stock' | 'low_stock' | 'out_of_stock';
export type ProductStatus = 'draft' | 'published' | 'archived';

export interface Variant {
  id: string;
  sku: string;
  title: string;
  price: Money;
  attributes: Record<string, string>;
  availability: Availability;
}

export interface Product {
  id: string;
  sellerId: string;
  title: string;
  slug: string;
  description: string;
  brand: string;
  categoryId: string;
  attributes: Record<string, string>;
  images: string[];
  status: ProductStatus;
  price: Money;
  inStock: boolean;
  variants: Variant[];
  createdAt: string;
  updatedAt: string;
}

export interface VariantInput {
  sku: string;
  title: string;
  price: Money;
  attributes?: Record<string, string>;
  initialStock?: number;
}

export interface ProductInput {
  title: string;
  description?: string;
  brand: string;
  categoryId: string;
  attributes?: Record<string, string>;
  images?: string[];
  status: 'draft' | 'published';
  variants: VariantInput[];
}

export type ProductPatch = Partial<Omit<ProductInput, 'status'>> & { status?: ProductStatus };

export interface Category {
  id: string;
  parentId: string | null;
  name: string;
  slug: string;
  depth: number;
  path: string[];
}

export interface CategoryNode extends Category {
  children: CategoryNode[];
}

export type ProductSort = 'newest' | 'price_asc' | 'price_desc';

export interface ProductQuery {
  categoryId?: string;
  brand?: string;
  sellerId?: string;
  minPrice?: number;
  maxPrice?: number;
  inStock?: boolean;
  sort?: ProductSort;
  cursor?: string;
  limit?: number;
}

/** An RFC 9457 problem as the API sends it. */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  code?: string;
  detail?: string;
  requestId?: string;
  errors?: { path: string; message: string }[];
}

export type SearchSort = 'relevance' | 'price_asc' | 'price_desc' | 'newest';

export interface SearchHit {
  id: string;
  title: string;
  slug: string;
  brand: string;
  description: string;
  sellerId: string;
  categoryId: string;
  price: Money;
  inStock: boolean;
  attributes: Record<string, string>;
  image: string | null;
  createdAt: string;
  score: number;
}

export interface ValueCount {
  value: string;
  count: number;
}

export interface PriceBucket {
  from?: number;
  to?: number;
  count: number;
}

export interface SearchResult {
  items: SearchHit[];
  total: number;
  facets: { brand: ValueCount[]; categoryId: ValueCount[]; price: PriceBucket[] };
  nextCursor: string | null;
}
