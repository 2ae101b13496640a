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

export type SearchResult = Answer<'/v1/search', 'get', 200>;
export type SearchHit = SearchResult['items'][number];
export type PriceBucket = SearchResult['facets']['price'][number];
export type SearchSort = NonNullable<Query<'/v1/search'>['sort']>;

/** An RFC 9457 problem as the API sends it; `status` 0 stands for a network failure. */
export type Problem = Partial<Schemas['Problem']> & { status: number };
