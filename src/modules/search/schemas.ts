import { Type, type Static } from 'typebox';

const Id = Type.String({ format: 'uuid' });

export const SearchSortSchema = Type.Union([
  Type.Literal('relevance'),
  Type.Literal('price_asc'),
  Type.Literal('price_desc'),
  Type.Literal('newest'),
]);

/** A price bound in minor units; bounded, so a huge number is a 400 and never reaches SQL. */
const PriceFilter = Type.Integer({
  minimum: 0,
  maximum: Number.MAX_SAFE_INTEGER,
  description: 'Minor units',
});

/** `attr.<name>=<value>` filters sit beside the named parameters. */
export const ATTR_PARAM = '^attr\\.[A-Za-z0-9_-]{1,40}$';

export const SearchQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 2_000, description: 'Full text; typo tolerant' })),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ maxLength: 300 })),
    categoryId: Type.Optional(Id),
    brand: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    sellerId: Type.Optional(Id),
    minPrice: Type.Optional(PriceFilter),
    maxPrice: Type.Optional(PriceFilter),
    inStock: Type.Optional(Type.Boolean()),
    sort: Type.Optional(SearchSortSchema),
  },
  {
    additionalProperties: false,
    patternProperties: { [ATTR_PARAM]: Type.String({ minLength: 1, maxLength: 200 }) },
    description: 'Also `attr.<name>=<value>`: products whose attribute <name> is <value>',
  },
);
export type SearchQuery = Static<typeof SearchQuery>;

const MoneyOut = Type.Object({ amount: Type.Integer(), currency: Type.String() });

export const SearchHit = Type.Object({
  id: Type.String(),
  title: Type.String(),
  slug: Type.String(),
  brand: Type.String(),
  description: Type.String(),
  sellerId: Type.String(),
  categoryId: Type.String(),
  price: MoneyOut,
  inStock: Type.Boolean(),
  attributes: Type.Record(Type.String(), Type.String()),
  image: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  score: Type.Number({ description: 'Relevance (0 without q)' }),
  flashSale: Type.Optional(
    Type.Object(
      {
        saleId: Type.String(),
        salePrice: MoneyOut,
        remaining: Type.Integer(),
        endsAt: Type.String({ format: 'date-time' }),
      },
      { description: 'The lowest running flash-sale offer of the product' },
    ),
  ),
});
export type SearchHit = Static<typeof SearchHit>;

const ValueCount = Type.Object({ value: Type.String(), count: Type.Integer() });

export const SearchResult = Type.Object({
  items: Type.Array(SearchHit),
  total: Type.Integer(),
  facets: Type.Object({
    brand: Type.Array(ValueCount),
    categoryId: Type.Array(ValueCount),
    price: Type.Array(
      Type.Object({
        from: Type.Optional(Type.Integer()),
        to: Type.Optional(Type.Integer()),
        count: Type.Integer(),
      }),
    ),
  }),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type SearchResult = Static<typeof SearchResult>;

export const SuggestQuery = Type.Object(
  { q: Type.String({ maxLength: 200 }) },
  { additionalProperties: false },
);

export const Suggestions = Type.Object({ items: Type.Array(Type.String(), { maxItems: 10 }) });
