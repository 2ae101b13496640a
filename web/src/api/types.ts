/**
 * The API types the web app uses, taken from the generated OpenAPI types (openapi.gen.ts, made by
 * `npm run api-types` from the server's route schemas), so a schema change shows up here as a
 * type error.
 */
import type { components, paths } from './openapi.gen';

type Schemas = components['schemas'];
type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never;
type Op<P extends keyof paths, M extends 'get' | 'post' | 'patch'> = NonNullable<paths[P][M]>;
/** The JSON body of a successful answer. */
type Answer<P extends keyof paths, M extends 'get' | 'post' | 'patch', S extends number> = Json<
  Op<P, M>['responses'][S & keyof Op<P, M>['responses']]
>;
/** The JSON request body. */
type Body<P extends keyof paths, M extends 'post' | 'patch'> = Json<NonNullable<Op<P, M>['requestBody']>>;
type Query<P extends keyof paths> = NonNullable<Op<P, 'get'>['parameters']['query']>;

export type User = Schemas['User'];
export type Role = User['role'];
export type AuthResult = Answer<'/v1/auth/login', 'post', 200>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type Address = Schemas['Address'];
export type AddressInput = Body<'/v1/me/addresses', 'post'>;

export type Money = Schemas['Money'];
export type Product = Schemas['Product'];
export type Variant = Product['variants'][number];
export type Availability = Variant['availability'];
export type ProductStatus = Product['status'];
export type ProductInput = Body<'/v1/products', 'post'>;
export type VariantInput = ProductInput['variants'][number];
export type ProductPatch = Body<'/v1/products/{id}', 'patch'>;
export type ProductQuery = Partial<Query<'/v1/products'>>;
export type ProductSort = NonNullable<ProductQuery['sort']>;

export type CategoryNode = Schemas['CategoryNode'];

export type ProductSummary = Schemas['ProductSummary'];
export type Recommendations = Answer<'/v1/products/{idOrSlug}/recommendations', 'get', 200>;

export type SearchResult = Answer<'/v1/search', 'get', 200>;
export type SearchHit = SearchResult['items'][number];
export type PriceBucket = SearchResult['facets']['price'][number];
export type SearchSort = NonNullable<Query<'/v1/search'>['sort']>;

/** An RFC 9457 problem as the API sends it; `status` 0 stands for a network failure. */
export type Problem = Partial<Schemas['Problem']> & { status: number };

export type ImportStatus = Answer<'/v1/catalog/imports/{id}', 'get', 200>;
export type SellerProductQuery = Partial<Query<'/v1/seller/products'>>;

/*
 * The commerce API (cart, checkout and orders, inventory, flash sales, feature flags, analytics),
 * written out from the route schemas until those routes are in the generated document.
 */
type Nullable<T> = T | null;

export type Cart = Schemas['Cart'];
export type CartItem = Cart['items'][number];
export type CartTotals = Cart['totals'];

export type OrderStatus =
  'pending' | 'confirmed' | 'shipped' | 'delivered' | 'cancelled' | 'refunded' | 'partially_refunded';
export type PartStatus = 'pending' | 'confirmed' | 'shipped' | 'delivered' | 'cancelled';
export interface OrderLine {
  id: string;
  sku: string;
  productId: string;
  sellerId: string;
  title: string;
  quantity: number;
  unitPrice: Money;
  lineTotal: Money;
}
export interface ShippingAddress {
  name: string;
  line1: string;
  line2: Nullable<string>;
  city: string;
  region: Nullable<string>;
  postalCode: string;
  country: string;
  phone: Nullable<string>;
}
export interface Order {
  id: string;
  userId: string;
  status: OrderStatus;
  currency: string;
  totals: { subtotal: Money; discount: Money; shipping: Money; tax: Money; total: Money; refunded: Money };
  lines: OrderLine[];
  parts: {
    sellerId: string;
    status: PartStatus;
    subtotal: Money;
    carrier: Nullable<string>;
    trackingNumber: Nullable<string>;
    shippedAt: Nullable<string>;
    deliveredAt: Nullable<string>;
  }[];
  shippingAddress: ShippingAddress;
  payment: { id: string; provider: string; status: string; clientSecret?: Nullable<string> };
  cancelReason: Nullable<string>;
  history: { status: string; at: string; note: Nullable<string> }[];
  createdAt: string;
  updatedAt: string;
}
export interface CheckoutBody {
  cartId: string;
  shippingAddress: Omit<ShippingAddress, 'line2' | 'region' | 'phone'> &
    Partial<Pick<ShippingAddress, 'line2' | 'region' | 'phone'>>;
  payment: { provider: string; token: string };
}
export interface OrderSummary {
  id: string;
  status: OrderStatus;
  total: Money;
  itemCount: number;
  sellerIds: string[];
  createdAt: string;
}
export interface SellerOrder {
  orderId: string;
  orderStatus: OrderStatus;
  status: PartStatus;
  subtotal: Money;
  lines: OrderLine[];
  carrier: Nullable<string>;
  trackingNumber: Nullable<string>;
  shippedAt: Nullable<string>;
  shippingAddress: ShippingAddress;
  createdAt: string;
}

export type InventoryLevel = Schemas['InventoryLevel'];
export type Movement = Schemas['InventoryMovement'];

export type SaleState = 'scheduled' | 'active' | 'sold_out' | 'ended';
export interface FlashSaleItem {
  sku: string;
  productId: string;
  title: string;
  salePrice: Money;
  regularPrice: Money;
  quantity: number;
  allocated: number;
  remaining: number;
  sold: number;
  perCustomerLimit: number;
}
export interface FlashSale {
  id: string;
  name: string;
  state: SaleState;
  startsAt: string;
  endsAt: string;
  startedAt: Nullable<string>;
  endedAt: Nullable<string>;
  createdAt: string;
  items: FlashSaleItem[];
}
export interface CreateFlashSaleBody {
  name: string;
  startsAt: string;
  endsAt: string;
  items: { sku: string; salePrice: Money; quantity: number; perCustomerLimit: number }[];
}
export type UpdateFlashSaleBody = Body<'/v1/admin/flash-sales/{id}', 'patch'>;
export interface Reservation {
  reservationId: string;
  expiresAt: string;
  cartId: string;
  saleId: string;
  sku: string;
  quantity: number;
  unitPrice: Money;
}
export interface Queued {
  status: 'queued';
  saleId: string;
  queueToken: string;
  position: number;
  pollAfter: number;
}
export interface QueueStatus {
  status: 'waiting' | 'admitted';
  saleId: string;
  position: number;
  pollAfter: number;
  admittedUntil: Nullable<string>;
}

export type FeatureFlag = Schemas['FeatureFlag'];
export type FlagPage = Answer<'/v1/admin/feature-flags', 'get', 200>;
export type SalesReport = Answer<'/v1/admin/analytics/sales', 'get', 200>;
export type TopProduct = SalesReport['topProducts']['byUnits'][number];

export interface FlashSaleOffer {
  saleId: string;
  salePrice: Money;
  remaining: number;
  endsAt: string;
}
