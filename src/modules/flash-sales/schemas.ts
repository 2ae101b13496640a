import { Type, type Static } from 'typebox';

const Id = Type.String({ format: 'uuid' });
const Timestamp = Type.String({ format: 'date-time' });
const Sku = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' });
const MoneyRef = Type.Object({
  amount: Type.Integer({ description: 'Minor units' }),
  currency: Type.String(),
});

export const SaleState = Type.Union(
  [Type.Literal('scheduled'), Type.Literal('active'), Type.Literal('sold_out'), Type.Literal('ended')],
  { description: 'scheduled → active → sold_out | ended' },
);

const Name = Type.String({ minLength: 1, maxLength: 200 });
const SalePrice = Type.Object(
  {
    amount: Type.Integer({ minimum: 0, maximum: 1_000_000_000_000, description: 'Minor units' }),
    currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217' }),
  },
  { additionalProperties: false },
);
const Quantity = Type.Integer({ minimum: 1, maximum: 1_000_000 });
const PerCustomerLimit = Type.Integer({ minimum: 1, maximum: 1_000 });

export const CreateSaleBody = Type.Object(
  {
    name: Name,
    startsAt: Timestamp,
    endsAt: Timestamp,
    items: Type.Array(
      Type.Object(
        { sku: Sku, salePrice: SalePrice, quantity: Quantity, perCustomerLimit: PerCustomerLimit },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100 },
    ),
  },
  { additionalProperties: false },
);
export type CreateSaleBody = Static<typeof CreateSaleBody>;

export const UpdateSaleBody = Type.Object(
  {
    name: Type.Optional(Name),
    startsAt: Type.Optional(Timestamp),
    endsAt: Type.Optional(
      Type.String({
        format: 'date-time',
        description:
          'On an active sale: later extends it, earlier shortens it, not in the future ends it now',
      }),
    ),
    items: Type.Optional(
      Type.Array(
        Type.Object(
          {
            sku: Sku,
            salePrice: Type.Optional(SalePrice),
            quantity: Type.Optional(Quantity),
            perCustomerLimit: Type.Optional(PerCustomerLimit),
          },
          { additionalProperties: false },
        ),
        {
          minItems: 1,
          maxItems: 100,
          description:
            "The sale's whole new list of items; an item already in the sale keeps what it leaves out. " +
            'A started sale keeps its items, prices and limits: only quantities change',
        },
      ),
    ),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description:
      'A scheduled sale: any field, checked as on create. An active sale: name, endsAt, item quantities',
  },
);
export type UpdateSaleBody = Static<typeof UpdateSaleBody>;

export const SaleItem = Type.Object({
  sku: Type.String(),
  productId: Type.String(),
  title: Type.String(),
  salePrice: MoneyRef,
  regularPrice: MoneyRef,
  quantity: Type.Integer({ description: 'Units offered' }),
  allocated: Type.Integer({ description: 'Units taken from stock when the sale started' }),
  remaining: Type.Integer({ description: 'Units that can still be reserved' }),
  sold: Type.Integer(),
  perCustomerLimit: Type.Integer(),
});

export const FlashSale = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    state: SaleState,
    startsAt: Timestamp,
    endsAt: Timestamp,
    startedAt: Type.Union([Timestamp, Type.Null()]),
    endedAt: Type.Union([Timestamp, Type.Null()]),
    createdAt: Timestamp,
    items: Type.Array(SaleItem),
  },
  { $id: 'FlashSale' },
);
export type FlashSale = Static<typeof FlashSale>;
export type SaleItemOut = Static<typeof SaleItem>;

export const SalePage = Type.Object({
  items: Type.Array(Type.Ref('FlashSale')),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const SaleListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    state: Type.Optional(SaleState),
  },
  { additionalProperties: false },
);
export type SaleListQuery = Static<typeof SaleListQuery>;

export const SaleParams = Type.Object({ id: Id }, { additionalProperties: false });
export const QueueParams = Type.Object(
  { id: Id, token: Type.String({ minLength: 10, maxLength: 400 }) },
  { additionalProperties: false },
);

export const ReservationBody = Type.Object(
  {
    sku: Sku,
    quantity: Type.Integer({ minimum: 1, maximum: 1_000 }),
    queueToken: Type.Optional(
      Type.String({
        minLength: 10,
        maxLength: 400,
        description: 'The token of a waiting-room place, sent back once it is admitted',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ReservationBody = Static<typeof ReservationBody>;

export const Reservation = Type.Object({
  reservationId: Type.String({ description: 'The hold id; the cart line carries it' }),
  expiresAt: Timestamp,
  cartId: Type.String(),
  saleId: Type.String(),
  sku: Type.String(),
  quantity: Type.Integer({ description: 'Units held (at most what was asked for)' }),
  unitPrice: MoneyRef,
});
export type Reservation = Static<typeof Reservation>;

export const Queued = Type.Object(
  {
    status: Type.Literal('queued'),
    saleId: Type.String(),
    queueToken: Type.String({
      description:
        'Signed place in the waiting room. Poll GET /v1/flash-sales/{id}/queue/{token}, or send it back as `queueToken` on the reservation once admitted',
    }),
    position: Type.Integer({ description: 'Buyers ahead, plus one' }),
    pollAfter: Type.Number({ description: 'Seconds to wait before polling again (also in Retry-After)' }),
  },
  { $id: 'FlashSaleQueued' },
);
export type Queued = Static<typeof Queued>;

export const QueueStatus = Type.Object({
  status: Type.Union([Type.Literal('waiting'), Type.Literal('admitted')]),
  saleId: Type.String(),
  position: Type.Integer({ description: '0 once admitted' }),
  pollAfter: Type.Number({ description: 'Seconds; 0 once admitted: reserve now, with the token' }),
  admittedUntil: Type.Union([Timestamp, Type.Null()], {
    description: 'The admission lapses after this instant if the token is not used',
  }),
});
export type QueueStatus = Static<typeof QueueStatus>;
