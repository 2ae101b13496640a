import type { Generated } from 'kysely';
import type { ProviderName } from './provider.js';

export type PaymentStatus =
  | 'pending'
  | 'requires_action'
  | 'authorized'
  | 'captured'
  | 'partially_refunded'
  | 'refunded'
  | 'voiding'
  | 'voided'
  | 'failed';

/** The payments schema. No card data anywhere: provider references and our own state only. */
export interface PaymentsTables {
  'payments.payments': {
    id: string;
    order_id: string;
    cart_id: string;
    /** The provider asked for; `provider` is the one that took it (the fallback, when it did). */
    requested_provider: ProviderName;
    provider: ProviderName;
    provider_ref: string | null;
    status: PaymentStatus;
    amount: number;
    currency: string;
    captured_amount: Generated<number>;
    refunded_amount: Generated<number>;
    /** Sent with the authorization; later calls derive their keys from it. */
    idempotency_key: string;
    token: string | null;
    failure_code: string | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  'payments.attempts': {
    id: Generated<number>;
    payment_id: string;
    provider: ProviderName;
    operation: 'authorize' | 'capture' | 'void' | 'refund';
    idempotency_key: string;
    outcome: string;
    error: string | null;
    duration_ms: number;
    at: Generated<Date>;
  };
  'payments.refunds': {
    id: string;
    payment_id: string;
    /** Idempotency key of the refund request, also sent to the provider. */
    key: string;
    amount: number;
    currency: string;
    reason: string;
    status: 'pending' | 'succeeded' | 'failed';
    provider_ref: string | null;
    error: string | null;
    created_at: Generated<Date>;
    finished_at: Date | null;
  };
  'payments.webhook_events': {
    provider: ProviderName;
    event_id: string;
    type: string;
    payment_id: string | null;
    received_at: Generated<Date>;
  };
}
