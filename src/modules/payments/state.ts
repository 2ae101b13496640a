import type { Transitions } from '../../platform/state-machine.js';
import type { PaymentStatus } from './tables.js';

/**
 * The payment lifecycle. `pending`: authorization sent, answer not recorded yet. `voiding`: an
 * authorization that must be released at the provider (a void job runs until it is).
 */
export const PAYMENT_TRANSITIONS: Transitions<PaymentStatus> = {
  pending: ['requires_action', 'authorized', 'failed', 'voiding', 'voided'],
  requires_action: ['authorized', 'failed', 'voiding', 'voided'],
  authorized: ['captured', 'voiding', 'voided'],
  voiding: ['voided'],
  captured: ['partially_refunded', 'refunded'],
  partially_refunded: ['partially_refunded', 'refunded'],
  refunded: [],
  voided: [],
  failed: [],
};
