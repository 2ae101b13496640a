import { Type, type Static } from 'typebox';

const Id = Type.String({ format: 'uuid' });
const Slug = Type.String({ pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$', minLength: 1, maxLength: 120 });
const Timestamp = Type.String({ format: 'date-time' });

export const MoneyIn = Type.Object(
  {
    amount: Type.Integer({ minimum: 0, maximum: 1_000_000_000_000, description: 'Minor units' }),
    currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217' }),
  },
  { additionalProperties: false },
);
export const Money = Type.Object({ amount: Type.Integer(), currency: Type.String() }, { $id: 'Money' });
const MoneyRef = Type.Ref('Money');

export const Attributes = Type.Record(
  Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$' }),
  Type.String({ maxLength: 200 }),
  { additionalProperties: false, maxProperties: 50, description: 'Free-form `{"color": "red"}`' },
);
const AttributesOut = Type.Record(Type.String(), Type.String());

const Sku = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' });

export const VariantBody = Type.Object(
  {
    sku: Sku,
    title: Type.String({ minLength: 1, maxLength: 200 }),
    price: MoneyIn,
    attributes: Type.Optional(Attributes),
    initialStock: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000 })),
  },
  { additionalProperties: false },
);
export type VariantBody = Static<typeof VariantBody>;

const ProductFields = {
  title: Type.String({ minLength: 1, maxLength: 200 }),
  slug: Type.Optional(Slug),
  description: Type.String({ maxLength: 20_000 }),
  brand: Type.String({ minLength: 1, maxLength: 100 }),
  categoryId: Id,
  attributes: Attributes,
  images: Type.Optional(
    Type.Array(Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000 }), { maxItems: 20 }),
  ),
  status: Type.Union([Type.Literal('draft'), Type.Literal('published')], { default: 'draft' }),
  variants: Type.Array(VariantBody, { minItems: 1, maxItems: 100 }),
};

export const CreateProductBody = Type.Object(
  {
    ...ProductFields,
    attributes: Type.Optional(Attributes),
    description: Type.Optional(ProductFields.description),
  },
  { additionalProperties: false },
);
export type CreateProductBody = Static<typeof CreateProductBody>;

export const PatchProductBody = Type.Object(
  {
    title: Type.Optional(ProductFields.title),
    slug: Type.Optional(Slug),
    description: Type.Optional(ProductFields.description),
    brand: Type.Optional(ProductFields.brand),
    categoryId: Type.Optional(Id),
    attributes: Type.Optional(Attributes),
    images: ProductFields.images,
    status: Type.Optional(
      Type.Union([Type.Literal('draft'), Type.Literal('published'), Type.Literal('archived')]),
    ),
    variants: Type.Optional(ProductFields.variants),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PatchProductBody = Static<typeof PatchProductBody>;

export const Availability = Type.Union([
  Type.Literal('in_stock'),
  Type.Literal('low_stock'),
  Type.Literal('out_of_stock'),
]);
export type Availability = Static<typeof Availability>;

/** A running flash sale's offer (present only while a sale runs for the SKU). */
export const FlashSaleOffer = Type.Object({
  saleId: Type.String(),
  salePrice: MoneyRef,
  remaining: Type.Integer({ description: 'Units the sale can still hold for buyers' }),
  endsAt: Timestamp,
});
type FlashSaleOffer = Static<typeof FlashSaleOffer>;

export const Variant = Type.Object({
  id: Type.String(),
  sku: Type.String(),
  title: Type.String(),
  price: MoneyRef,
  attributes: AttributesOut,
  availability: Availability,
  flashSale: Type.Optional(FlashSaleOffer),
});

export const Product = Type.Object(
  {
    id: Type.String(),
    sellerId: Type.String(),
    title: Type.String(),
    slug: Type.String(),
    description: Type.String(),
    brand: Type.String(),
    categoryId: Type.String(),
    attributes: AttributesOut,
    images: Type.Array(Type.String()),
    status: Type.Union([Type.Literal('draft'), Type.Literal('published'), Type.Literal('archived')]),
    price: MoneyRef,
    inStock: Type.Boolean(),
    variants: Type.Array(Variant),
    // the lowest running flash-sale offer among the variants
    flashSale: Type.Optional(FlashSaleOffer),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Product' },
);
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
  status: 'draft' | 'published' | 'archived';
  price: { amount: number; currency: string };
  inStock: boolean;
  variants: {
    id: string;
    sku: string;
    title: string;
    price: { amount: number; currency: string };
    attributes: Record<string, string>;
    availability: Availability;
    flashSale?: FlashSaleOffer;
  }[];
  flashSale?: FlashSaleOffer;
  createdAt: string;
  updatedAt: string;
}

export const ProductPage = Type.Object({
  items: Type.Array(Type.Ref('Product')),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export interface ProductPage {
  items: Product[];
  nextCursor: string | null;
}

/** A price bound in minor units; bounded, so a huge number is a 400 and never reaches SQL. */
const PriceFilter = Type.Integer({
  minimum: 0,
  maximum: Number.MAX_SAFE_INTEGER,
  description: 'Minor units',
});

export const ProductSort = Type.Union([
  Type.Literal('newest'),
  Type.Literal('price_asc'),
  Type.Literal('price_desc'),
]);

export const ProductListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ maxLength: 300 })),
    categoryId: Type.Optional(Id),
    brand: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    sellerId: Type.Optional(Id),
    minPrice: Type.Optional(PriceFilter),
    maxPrice: Type.Optional(PriceFilter),
    inStock: Type.Optional(Type.Boolean()),
    sort: Type.Optional(ProductSort),
  },
  { additionalProperties: false },
);
export type ProductListQuery = Static<typeof ProductListQuery>;

export const SellerProductListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ maxLength: 300 })),
    status: Type.Optional(
      Type.Union([Type.Literal('draft'), Type.Literal('published'), Type.Literal('archived')]),
    ),
    sellerId: Type.Optional({ ...Id, description: "Admins only: one seller's products" }),
  },
  { additionalProperties: false },
);
export type SellerProductListQuery = Static<typeof SellerProductListQuery>;

export const IdOrSlugParams = Type.Object({ idOrSlug: Type.String({ minLength: 1, maxLength: 120 }) });
export const IdParams = Type.Object({ id: Id });

export const CategoryBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    slug: Type.Optional(Slug),
    parentId: Type.Optional(Type.Union([Id, Type.Null()])),
  },
  { additionalProperties: false },
);
export type CategoryBody = Static<typeof CategoryBody>;

export const Category = Type.Object({
  id: Type.String(),
  parentId: Type.Union([Type.String(), Type.Null()]),
  name: Type.String(),
  slug: Type.String(),
  depth: Type.Integer(),
  path: Type.Array(Type.String(), { description: 'Ids from the root to this category' }),
});
export type Category = Static<typeof Category>;

/** A category with its subtree (recursive through `$ref`). */
export const CategoryNode = Type.Object(
  { ...Category.properties, children: Type.Array(Type.Ref('CategoryNode')) },
  { $id: 'CategoryNode' },
);
export type CategoryNode = Category & { children: CategoryNode[] };

export const CategoryTree = Type.Object({ items: Type.Array(Type.Ref('CategoryNode')) });
export type CategoryTree = { items: CategoryNode[] };

export const SellerProfile = Type.Object({
  userId: Type.String(),
  name: Type.String(),
  slug: Type.String(),
  description: Type.String(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type SellerProfile = Static<typeof SellerProfile>;

export const SellerProfileBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    description: Type.Optional(Type.String({ maxLength: 5_000 })),
  },
  { additionalProperties: false },
);
export type SellerProfileBody = Static<typeof SellerProfileBody>;

export const ImportAccepted = Type.Object({ importId: Type.String() });

export const ImportStatusSchema = Type.Object({
  id: Type.String(),
  status: Type.Union([
    Type.Literal('queued'),
    Type.Literal('running'),
    Type.Literal('completed'),
    Type.Literal('failed'),
  ]),
  totalRows: Type.Integer(),
  createdRows: Type.Integer(),
  failedRows: Type.Integer(),
  errors: Type.Array(
    Type.Object({
      line: Type.Integer({ description: 'Line of the CSV file (the header is line 1)' }),
      path: Type.String(),
      message: Type.String(),
    }),
  ),
  createdAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
