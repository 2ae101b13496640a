import { Type, type Static } from 'typebox';
import { COUNTRY_FORMAT } from '../../platform/countries.js';

const Id = Type.String({ format: 'uuid' });
const Timestamp = Type.String({ format: 'date-time' });
const MoneyOut = Type.Object({ amount: Type.Integer(), currency: Type.String() });

export const ShippingAddressBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    line1: Type.String({ minLength: 1, maxLength: 200 }),
    line2: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
    city: Type.String({ minLength: 1, maxLength: 100 }),
    region: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
    postalCode: Type.String({ minLength: 1, maxLength: 20 }),
    country: Type.String({ format: COUNTRY_FORMAT, description: 'ISO 3166-1 alpha-2 (an assigned code)' }),
    phone: Type.Optional(Type.Union([Type.String({ pattern: '^[+0-9 ()-]{4,30}$' }), Type.Null()])),
  },
  { additionalProperties: false },
);

export const CheckoutBody = Type.Object(
  {
    cartId: Id,
    shippingAddress: ShippingAddressBody,
    payment: Type.Object(
      {
        provider: Type.String({ pattern: '^[a-z][a-z0-9_]{0,30}$', description: '`sandbox` or `stripe`' }),
        token: Type.String({ minLength: 1, maxLength: 255, description: 'The provider’s payment token' }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type CheckoutBody = Static<typeof CheckoutBody>;

const IdempotencyKey = Type.String({ minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' });

export const IdempotencyHeaders = Type.Object({ 'idempotency-key': IdempotencyKey });

/** For mutations where the key is optional (a refund): without one, each request is a new one. */
export const OptionalIdempotencyHeaders = Type.Object({ 'idempotency-key': Type.Optional(IdempotencyKey) });

const OrderStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('confirmed'),
  Type.Literal('shipped'),
  Type.Literal('delivered'),
  Type.Literal('cancelled'),
  Type.Literal('refunded'),
  Type.Literal('partially_refunded'),
]);
const PartStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('confirmed'),
  Type.Literal('shipped'),
  Type.Literal('delivered'),
  Type.Literal('cancelled'),
]);

const Line = Type.Object({
  id: Type.String(),
  sku: Type.String(),
  productId: Type.String(),
  sellerId: Type.String(),
  title: Type.String(),
  quantity: Type.Integer(),
  unitPrice: MoneyOut,
  lineTotal: MoneyOut,
});

const Part = Type.Object({
  sellerId: Type.String(),
  status: PartStatus,
  subtotal: MoneyOut,
  carrier: Type.Union([Type.String(), Type.Null()]),
  trackingNumber: Type.Union([Type.String(), Type.Null()]),
  shippedAt: Type.Union([Timestamp, Type.Null()]),
  deliveredAt: Type.Union([Timestamp, Type.Null()]),
});

const Address = Type.Object({
  name: Type.String(),
  line1: Type.String(),
  line2: Type.Union([Type.String(), Type.Null()]),
  city: Type.String(),
  region: Type.Union([Type.String(), Type.Null()]),
  postalCode: Type.String(),
  country: Type.String(),
  phone: Type.Union([Type.String(), Type.Null()]),
});

export const Order = Type.Object(
  {
    id: Type.String(),
    userId: Type.String(),
    status: OrderStatus,
    currency: Type.String(),
    totals: Type.Object({
      subtotal: MoneyOut,
      discount: MoneyOut,
      shipping: MoneyOut,
      tax: MoneyOut,
      total: MoneyOut,
      refunded: MoneyOut,
    }),
    lines: Type.Array(Line),
    parts: Type.Array(Part),
    shippingAddress: Address,
    payment: Type.Object({
      id: Type.String(),
      provider: Type.String(),
      status: Type.String(),
      /** For a pending (3-D Secure) payment: what the client needs to finish it. */
      clientSecret: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    }),
    cancelReason: Type.Union([Type.String(), Type.Null()]),
    history: Type.Array(
      Type.Object({ status: Type.String(), at: Timestamp, note: Type.Union([Type.String(), Type.Null()]) }),
    ),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Order' },
);
export type Order = Static<typeof Order>;

export const CheckoutAnswer = Type.Object({ order: Type.Ref('Order') });

export const OrderSummary = Type.Object({
  id: Type.String(),
  status: OrderStatus,
  total: MoneyOut,
  itemCount: Type.Integer(),
  sellerIds: Type.Array(Type.String()),
  createdAt: Timestamp,
});
export const OrderPage = Type.Object({
  items: Type.Array(OrderSummary),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const SellerOrder = Type.Object({
  orderId: Type.String(),
  orderStatus: OrderStatus,
  status: PartStatus,
  subtotal: MoneyOut,
  lines: Type.Array(Line),
  carrier: Type.Union([Type.String(), Type.Null()]),
  trackingNumber: Type.Union([Type.String(), Type.Null()]),
  shippedAt: Type.Union([Timestamp, Type.Null()]),
  shippingAddress: Address,
  createdAt: Timestamp,
});
export type SellerOrder = Static<typeof SellerOrder>;
export const SellerOrderPage = Type.Object({
  items: Type.Array(SellerOrder),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const ListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ format: 'uuid' })),
  },
  { additionalProperties: false },
);
export type ListQuery = Static<typeof ListQuery>;

export const IdParams = Type.Object({ id: Id });

export const CancelBody = Type.Object(
  {
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    onlyIfPending: Type.Optional(
      Type.Boolean({
        description:
          'Cancel only while the payment is still pending (3-D Secure): an order paid meanwhile is a 409, not cancelled and refunded',
      }),
    ),
  },
  { additionalProperties: false },
);
export const ShipBody = Type.Object(
  {
    carrier: Type.String({ minLength: 1, maxLength: 100 }),
    trackingNumber: Type.String({ minLength: 1, maxLength: 100 }),
  },
  { additionalProperties: false },
);
export const RefundBody = Type.Object(
  {
    amount: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1_000_000_000_000,
        description: 'Minor units; default: all that is left (a full refund, as is the amount left)',
      }),
    ),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);
