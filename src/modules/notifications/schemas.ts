import { Type, type Static } from 'typebox';
import { isUuid } from '../../platform/ids.js';
import { WEBHOOK_EVENT_TYPES } from './events.js';

const Id = Type.String({ format: 'uuid' });

export const IdParams = Type.Object({ id: Id });

export const NotificationListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    unread: Type.Optional(Type.Boolean({ description: 'Only unread notifications' })),
  },
  { additionalProperties: false },
);
export type NotificationListQuery = Static<typeof NotificationListQuery>;

export const Notification = Type.Object(
  {
    id: Type.String(),
    type: Type.String({ description: 'The event type that caused it, e.g. order.shipped' }),
    title: Type.String(),
    body: Type.String(),
    data: Type.Record(Type.String(), Type.Unknown()),
    read: Type.Boolean(),
    readAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Notification' },
);
export type Notification = Static<typeof Notification>;

export const NotificationPage = Type.Object({
  items: Type.Array(Type.Ref('Notification')),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  unreadCount: Type.Integer(),
});

export const ReadAllResult = Type.Object({ updated: Type.Integer() });

export const Preferences = Type.Object(
  {
    marketingEmails: Type.Boolean({
      description: 'Marketing emails (off by default). Transactional emails (orders, security) always go.',
    }),
  },
  { additionalProperties: false },
);
export type Preferences = Static<typeof Preferences>;

const EventType = Type.Union(WEBHOOK_EVENT_TYPES.map((t) => Type.Literal(t)));

export const WebhookBody = Type.Object(
  {
    url: Type.String({ minLength: 8, maxLength: 2_000, description: 'http(s) URL on a public address' }),
    events: Type.Array(EventType, { minItems: 1, maxItems: WEBHOOK_EVENT_TYPES.length, uniqueItems: true }),
  },
  { additionalProperties: false },
);
export type WebhookBody = Static<typeof WebhookBody>;

export const Webhook = Type.Object(
  {
    id: Type.String(),
    url: Type.String(),
    events: Type.Array(Type.String()),
    ownerId: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Webhook' },
);
export type Webhook = Static<typeof Webhook>;

export const CreatedWebhook = Type.Object({
  id: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  ownerId: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  secret: Type.String({ description: 'HMAC-SHA256 signing secret; shown only in this response' }),
});

export const WebhookList = Type.Object({ items: Type.Array(Type.Ref('Webhook')), nextCursor: Type.Null() });

export const Attempt = Type.Object({
  attempt: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  statusCode: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  durationMs: Type.Integer(),
});

export const Delivery = Type.Object({
  id: Type.String(),
  eventId: Type.String(),
  eventType: Type.String(),
  status: Type.Union([
    Type.Literal('pending'),
    Type.Literal('succeeded'),
    Type.Literal('failed'),
    Type.Literal('cancelled'),
  ]),
  attempts: Type.Array(Attempt),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type Delivery = Static<typeof Delivery>;

export const DeliveryListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const DeliveryPage = Type.Object({
  items: Type.Array(Delivery),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

/** Cursors are opaque to clients: the last row's id, base64url-encoded. */
export const encodeCursor = (id: string) => Buffer.from(id).toString('base64url');
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  const id = Buffer.from(cursor, 'base64url').toString();
  return isUuid(id) ? id : undefined;
}
