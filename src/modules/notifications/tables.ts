import type { Generated, Selectable } from 'kysely';

export interface NotificationsTables {
  'notifications.recipients': {
    user_id: string;
    email: string;
    name: string;
    role: string;
    updated_at: Generated<Date>;
  };
  'notifications.preferences': {
    user_id: string;
    marketing_emails: boolean;
    updated_at: Generated<Date>;
  };
  'notifications.notifications': {
    id: string;
    user_id: string;
    type: string;
    title: string;
    body: string;
    data: string;
    event_id: string | null;
    read_at: Date | null;
    created_at: Generated<Date>;
  };
  'notifications.webhooks': {
    id: string;
    owner_id: string;
    owner_role: string;
    url: string;
    events: string[];
    secret: string;
    created_at: Generated<Date>;
    deleted_at: Date | null;
  };
  'notifications.webhook_deliveries': {
    id: string;
    webhook_id: string;
    event_id: string;
    event_type: string;
    payload: string;
    status: Generated<'pending' | 'succeeded' | 'failed' | 'cancelled'>;
    attempts: Generated<number>;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  'notifications.webhook_attempts': {
    id: Generated<number>;
    delivery_id: string;
    attempt: number;
    status_code: number | null;
    error: string | null;
    duration_ms: number;
    at: Generated<Date>;
  };
}

export type NotificationRow = Selectable<NotificationsTables['notifications.notifications']>;
export type WebhookRow = Selectable<NotificationsTables['notifications.webhooks']>;
export type DeliveryRow = Selectable<NotificationsTables['notifications.webhook_deliveries']>;
export type AttemptRow = Selectable<NotificationsTables['notifications.webhook_attempts']>;
