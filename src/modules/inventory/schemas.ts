import { Type, type Static } from 'typebox';

const Sku = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' });
const LocationId = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$',
  description: 'default: `default`',
});
const Timestamp = Type.String({ format: 'date-time' });

export const SkuParams = Type.Object({ sku: Sku });

export const InventoryLevel = Type.Object(
  {
    sku: Type.String(),
    onHand: Type.Integer(),
    reserved: Type.Integer(),
    available: Type.Integer({ description: 'onHand - reserved' }),
    locations: Type.Array(Type.Object({ locationId: Type.String(), onHand: Type.Integer() })),
    lowStockThreshold: Type.Integer(),
  },
  { $id: 'InventoryLevel' },
);
export type InventoryLevel = Static<typeof InventoryLevel>;

export const Movement = Type.Object(
  {
    id: Type.String(),
    sku: Type.String(),
    locationId: Type.Union([Type.String(), Type.Null()]),
    kind: Type.Union([
      Type.Literal('initial'),
      Type.Literal('adjustment'),
      Type.Literal('reservation'),
      Type.Literal('release'),
      Type.Literal('commit'),
      Type.Literal('return'),
      Type.Literal('external'),
    ]),
    deltaOnHand: Type.Integer(),
    deltaReserved: Type.Integer(),
    reason: Type.String(),
    cause: Type.Union([Type.Object({ kind: Type.String(), id: Type.String() }), Type.Null()]),
    orderId: Type.Union([Type.String(), Type.Null()]),
    correlationId: Type.Union([Type.String(), Type.Null()]),
    at: Timestamp,
  },
  { $id: 'InventoryMovement' },
);
export type Movement = Static<typeof Movement>;

export const AdjustmentBody = Type.Object(
  {
    delta: Type.Integer({ minimum: -1_000_000_000, maximum: 1_000_000_000, description: 'Not 0' }),
    locationId: Type.Optional(LocationId),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);
export type AdjustmentBody = Static<typeof AdjustmentBody>;

export const AdjustmentHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: '^[\\x21-\\x7e]+$',
      description:
        'Optional: the same key with the same body answers the same (status and body) and adjusts once; with another body it is a 422',
    }),
  ),
});

export const AdjustmentResult = Type.Object({
  movement: Type.Ref('InventoryMovement'),
  inventory: Type.Ref('InventoryLevel'),
});

export const ThresholdBody = Type.Object(
  { lowStockThreshold: Type.Integer({ minimum: 0, maximum: 1_000_000_000 }) },
  { additionalProperties: false },
);

export const MovementListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);
export type MovementListQuery = Static<typeof MovementListQuery>;

export const MovementPage = Type.Object({
  items: Type.Array(Type.Ref('InventoryMovement')),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const ExternalUpdatesBody = Type.Object(
  {
    updates: Type.Array(
      Type.Object(
        {
          updateId: Type.String({ minLength: 1, maxLength: 200 }),
          sku: Sku,
          locationId: Type.Optional(LocationId),
          onHand: Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: 'Absolute level' }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1_000 },
    ),
  },
  { additionalProperties: false },
);
export type ExternalUpdatesBody = Static<typeof ExternalUpdatesBody>;

export const ExternalOutcome = Type.Union([
  Type.Literal('applied'),
  Type.Literal('duplicate'),
  Type.Literal('unknown_sku'),
  Type.Literal('clamped'),
]);

export const ExternalUpdateResult = Type.Object({
  updateId: Type.String(),
  sku: Type.String(),
  outcome: ExternalOutcome,
  onHand: Type.Optional(Type.Integer({ description: 'The SKU’s on-hand after the update' })),
  available: Type.Optional(Type.Integer()),
  shortfall: Type.Optional(
    Type.Integer({ description: 'clamped: units the level fell short of what is reserved' }),
  ),
});
export type ExternalUpdateResult = Static<typeof ExternalUpdateResult>;

export const ExternalUpdatesResult = Type.Object({ results: Type.Array(ExternalUpdateResult) });
