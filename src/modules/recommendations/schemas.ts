import { Type, type Static } from 'typebox';

export const RecommendationsParams = Type.Object({
  idOrSlug: Type.String({ minLength: 1, maxLength: 120, description: 'The product, by id or slug' }),
});

export const RecommendationsQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 24, default: 8, description: 'How many products, at most' }),
  },
  { additionalProperties: false },
);
export type RecommendationsQuery = Static<typeof RecommendationsQuery>;

/** A published product as a product card shows it (the catalog's `ProductSummary`). */
export const ProductSummary = Type.Object(
  {
    id: Type.String(),
    slug: Type.String(),
    title: Type.String(),
    brand: Type.String(),
    price: Type.Object({ amount: Type.Integer(), currency: Type.String() }),
    inStock: Type.Boolean(),
    image: Type.Union([Type.String(), Type.Null()], { description: "The product's first image" }),
  },
  { $id: 'ProductSummary' },
);

export const Basis = Type.Union(
  [Type.Literal('bought_together'), Type.Literal('popular'), Type.Literal('none')],
  {
    description:
      '`bought_together`: the first items were bought in the same orders as this product (the most ' +
      'often first), and best sellers of the last 30 days fill the rest; `popular`: nobody bought ' +
      'anything else with it yet, the items are best sellers; `none`: no items',
  },
);

export const Recommendations = Type.Object({
  items: Type.Array(Type.Ref('ProductSummary')),
  basis: Basis,
  degraded: Type.Boolean({
    description:
      'true: the recommendations were not computed because the shop is putting off non-critical ' +
      'work (the degraded mode) and none was kept for this product: `items` is empty; ask again ' +
      'later. A kept answer is served as usual (false) while the mode lasts.',
  }),
});
export type Recommendations = Static<typeof Recommendations>;
