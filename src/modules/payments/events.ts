import type { Money, ProviderName } from './provider.js';

export const PAYMENTS_SOURCE = '/agora/payments';

export interface PaymentEventData {
  paymentId: string;
  orderId: string;
  provider: ProviderName;
  amount: Money;
  reason?: string;
}

/** Events the payments module publishes (CloudEvents `type` → `data`). */
export interface PaymentsEvents {
  'payment.authorized': PaymentEventData;
  'payment.captured': PaymentEventData;
  'payment.failed': PaymentEventData;
  'payment.voided': PaymentEventData;
  /** `amount` is this refund's amount. */
  'payment.refunded': PaymentEventData;
}

export type PaymentEventType = keyof PaymentsEvents;
