import { Type, type Static } from 'typebox';
import { COUNTRY_FORMAT } from '../../platform/countries.js';

const Id = Type.String({ format: 'uuid' });
const Timestamp = Type.String({ format: 'date-time' });
const Money = Type.Object({ amount: Type.Integer(), currency: Type.String() });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** The most units of one SKU a cart line may hold. */
export const MAX_LINE_QUANTITY = 999;

export const CartParams = Type.Object({ id: Id });
export const ItemParams = Type.Object({ id: Id, itemId: Id });

export const CartQuery = Type.Object(
  {
    country: Type.Optional(
      Type.String({
        format: COUNTRY_FORMAT,
        description:
          'Destination (ISO 3166-1 alpha-2, an assigned code) whose tax the totals estimate; default AGORA_DEFAULT_COUNTRY',
      }),
    ),
  },
  { additionalProperties: false },
);
export type CartQuery = Static<typeof CartQuery>;

const Quantity = Type.Integer({ minimum: 1, maximum: MAX_LINE_QUANTITY });

export const AddItemBody = Type.Object(
  { sku: Type.String({ minLength: 1, maxLength: 64 }), quantity: Quantity },
  { additionalProperties: false },
);
export type AddItemBody = Static<typeof AddItemBody>;

export const PatchItemBody = Type.Object({ quantity: Quantity }, { additionalProperties: false });
export type PatchItemBody = Static<typeof PatchItemBody>;

export const CartItem = Type.Object({
  id: Type.String(),
  sku: Type.String(),
  quantity: Type.Integer(),
  productId: Nullable(Type.String()),
  productTitle: Nullable(Type.String()),
  variantTitle: Nullable(Type.String()),
  slug: Nullable(Type.String()),
  image: Nullable(Type.String()),
  unitPrice: Nullable(Money),
  listPrice: Nullable(Money),
  lineTotal: Nullable(Money),
  held: Type.Boolean({ description: 'Bound to a flash-sale hold: fixed price and quantity' }),
  holdExpiresAt: Nullable(Timestamp),
  availability: Type.Union([
    Type.Literal('in_stock'),
    Type.Literal('low_stock'),
    Type.Literal('out_of_stock'),
  ]),
  available: Type.Integer({ description: 'Units that can be bought now (a held line: its own units)' }),
  issue: Nullable(
    Type.Union(
      [
        Type.Literal('unavailable'),
        Type.Literal('currency_mismatch'),
        Type.Literal('insufficient_stock'),
        Type.Literal('hold_expired'),
      ],
      { description: 'Why the line cannot be checked out as it is; null when it can' },
    ),
  ),
});
export type CartItem = Static<typeof CartItem>;

export const CartTotals = Type.Object({
  subtotal: Money,
  discount: Money,
  shipping: Money,
  tax: Money,
  total: Money,
  country: Type.String({ description: 'The destination whose tax rate was applied' }),
  taxRate: Type.Integer({ description: 'Basis points (1900 = 19 %)' }),
  shippingAvailable: Type.Boolean({
    description:
      'Whether the shop ships carts in this currency (a shipping rate is configured for it). When false, shipping and total leave shipping out and checkout is refused (409 conflict, reason shipping_unavailable)',
  }),
});

export const Cart = Type.Object(
  {
    id: Type.String(),
    status: Type.Union([
      Type.Literal('open'),
      Type.Literal('checked_out'),
      Type.Literal('merged'),
      Type.Literal('expired'),
    ]),
    guest: Type.Boolean(),
    currency: Nullable(Type.String()),
    items: Type.Array(CartItem),
    itemCount: Type.Integer({ description: 'Units over all lines' }),
    totals: CartTotals,
    expiresAt: Timestamp,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Cart' },
);
export type Cart = Static<typeof Cart>;
