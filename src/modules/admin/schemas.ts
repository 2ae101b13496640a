import { Type, type Static } from 'typebox';

/** What a flag key looks like. */
export const FLAG_KEY_PATTERN = '^[a-z0-9][a-z0-9_.-]{0,127}$';

export const FlagKey = Type.String({
  pattern: FLAG_KEY_PATTERN,
  description: 'Lower-case letters, digits, `_`, `.`, `-` (e.g. `degraded_mode`, `flash_sale.<saleId>`)',
});

export const FlagParams = Type.Object({ key: FlagKey }, { additionalProperties: false });
export type FlagParams = Static<typeof FlagParams>;

export const PutFlagBody = Type.Object(
  {
    enabled: Type.Boolean(),
    description: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type PutFlagBody = Static<typeof PutFlagBody>;

export const Flag = Type.Object(
  {
    key: Type.String(),
    enabled: Type.Boolean(),
    description: Type.String(),
    version: Type.Integer({ description: 'Grows by one with every change' }),
    updatedAt: Type.String({ format: 'date-time' }),
    updatedBy: Type.Union([Type.String(), Type.Null()], { description: 'The admin who changed it last' }),
  },
  { $id: 'FeatureFlag' },
);
export type Flag = Static<typeof Flag>;

export const DegradedModeState = Type.Object(
  {
    active: Type.Boolean(),
    reasons: Type.Array(Type.Union([Type.Literal('flag'), Type.Literal('event_loop')])),
    eventLoopDelayMs: Type.Number({ description: 'Mean event-loop delay of the last sample, this process' }),
    since: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { description: "This process's degraded mode: non-critical work is deferred while it is active" },
);
export type DegradedModeState = Static<typeof DegradedModeState>;

const Limit = Type.Integer({ minimum: 1, maximum: 100, default: 20 });
const Cursor = Type.String({ maxLength: 200 });

export const ListQuery = Type.Object(
  { limit: Limit, cursor: Type.Optional(Cursor) },
  { additionalProperties: false },
);
export type ListQuery = Static<typeof ListQuery>;

export const FlagPage = Type.Object({
  items: Type.Array(Type.Ref('FeatureFlag')),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  degradedMode: DegradedModeState,
});

export const FlagChange = Type.Object({
  id: Type.String(),
  key: Type.String(),
  from: Type.Union([Type.Boolean(), Type.Null()], { description: 'null when the change created the flag' }),
  to: Type.Boolean(),
  descriptionFrom: Type.Union([Type.String(), Type.Null()]),
  descriptionTo: Type.String(),
  changedBy: Type.Union([Type.String(), Type.Null()]),
  changedAt: Type.String({ format: 'date-time' }),
  requestId: Type.Union([Type.String(), Type.Null()]),
});
export type FlagChange = Static<typeof FlagChange>;

export const FlagChangePage = Type.Object({
  items: Type.Array(FlagChange),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

const Money = Type.Object({ amount: Type.Integer(), currency: Type.String() });

export const SalesQuery = Type.Object(
  {
    from: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'Start (inclusive); default: one day (hour) or 30 days (day) before `to`',
      }),
    ),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'End (exclusive); default: now' })),
    interval: Type.Enum(['hour', 'day'], { default: 'day', description: 'Bucket size (UTC days)' }),
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', description: 'Only this currency' })),
    top: Type.Integer({ minimum: 1, maximum: 50, default: 10, description: 'Top products listed' }),
  },
  { additionalProperties: false },
);
export type SalesQuery = Static<typeof SalesQuery>;

const SalesFigures = {
  orders: Type.Integer({ description: 'Confirmed orders, not cancelled and not fully refunded' }),
  units: Type.Integer({ description: 'Units sold in them, less units refunded' }),
  revenue: Type.Array(Money, { description: 'Order totals less refunds, one entry per currency' }),
  refunded: Type.Array(Money, { description: 'Refunded amounts, one entry per currency' }),
};

export const TopProduct = Type.Object({
  productId: Type.String(),
  title: Type.String(),
  units: Type.Integer(),
  revenue: Type.Array(Money),
});

export const SalesReport = Type.Object({
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  interval: Type.Union([Type.Literal('hour'), Type.Literal('day')]),
  buckets: Type.Array(Type.Object({ start: Type.String({ format: 'date-time' }), ...SalesFigures })),
  totals: Type.Object(SalesFigures),
  topProducts: Type.Object({
    byUnits: Type.Array(TopProduct),
    byRevenue: Type.Array(TopProduct, { description: 'Ranked within each currency' }),
  }),
  generatedAt: Type.String({ format: 'date-time' }),
  stale: Type.Boolean({
    description: 'true: the last computed answer, served while the degraded mode is on',
  }),
});
export type SalesReport = Static<typeof SalesReport>;
