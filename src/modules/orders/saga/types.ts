import type { Transaction } from 'kysely';
import type { AnyDb } from '../../../platform/db.js';
import type { AppError } from '../../../platform/errors.js';
import type { PaymentStatus, PaymentsModule, ProviderName } from '../../payments/index.js';
import type { CartPort, CheckoutCart, HoldProvider, InventoryPort } from '../ports.js';
import type { SagaStatus, ShippingAddress } from '../tables.js';

export type Trx = Transaction<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const STEP_NAMES = [
  'load-cart',
  'reserve-stock',
  'create-order',
  'authorize-payment',
  'confirm-order',
  'capture-payment',
  'commit-stock',
  'close-cart',
] as const;
export type StepName = (typeof STEP_NAMES)[number];

/** What the steps need again when the saga is resumed by another process. */
export interface CheckoutInput {
  shippingAddress: ShippingAddress;
  provider: ProviderName;
  country: string;
}

/** What the steps learned, persisted with each step's effects. */
export interface SagaState {
  cart?: CheckoutCart;
  /** Inventory hold of the lines that were not held by a flash sale. */
  holdId?: string | null;
  flashHoldIds?: string[];
  paymentId?: string;
  /** The provider that took the payment (the fallback, when it did). */
  provider?: ProviderName;
  providerRef?: string | null;
  clientSecret?: string | null;
  paymentStatus?: PaymentStatus;
  /** The ids of the order's lines, in cart order (so a re-run of create-order writes the same). */
  lineIds?: string[];
  /** What the database stamped on the order, for the checkout's answer (no read back). */
  timeline?: {
    placedAt: string;
    updatedAt: string;
    history: { status: string; note: string | null; at: string }[];
  };
}

export interface SagaRecord {
  id: string;
  cartId: string;
  userId: string;
  orderId: string;
  idempotencyKey: string;
  status: SagaStatus;
  step: StepName | '';
  state: SagaState;
  input: CheckoutInput;
  attempts: number;
  leaseOwner: string;
}

export interface CheckoutDeps {
  db: AnyDb;
  inventory: InventoryPort;
  cart: CartPort;
  holds: HoldProvider | null;
  payments: PaymentsModule;
  leaseMs: number;
  paymentTtlMs: number;
  /** Tests only: runs after each step (inside its transaction for local steps); a throw acts as a crash. */
  afterStep?: (step: StepName, saga: SagaRecord) => void | Promise<void>;
}

export interface StepCtx {
  saga: SagaRecord;
  deps: CheckoutDeps;
  correlationId: string;
  /** The payment token, in memory only on the first run (recovery reads it from the payment). */
  token: string | null;
  /** Resumed by recovery or a webhook: remote steps first look at what already happened. */
  resuming: boolean;
  /** Recovery gave up waiting for the customer (asynchronous payment past its time). */
  expired: boolean;
  /** Runs in the transaction that completes the saga, after its last step (the caller's answer). */
  onCompleted?: (trx: Trx) => Promise<void>;
  /** The buyer (or an admin) cancelled the checkout: the order's cancel reason, for compensation. */
  cancelReason?: string;
}

/** What a remote step's answer means for the saga. */
export type Verdict =
  | { kind: 'ok' }
  /** Waiting for the provider's webhook (3-D Secure). */
  | { kind: 'park' }
  /** Could not finish now (provider outage after the pivot); recovery retries later. */
  | { kind: 'defer'; reason: string }
  | { kind: 'fail'; error: AppError };

export interface LocalStep {
  name: StepName;
  remote: false;
  /** Idempotent; runs in the segment's transaction. A thrown AppError fails the checkout. */
  run(ctx: StepCtx, trx: Trx): Promise<void>;
  compensate(ctx: StepCtx, trx: Trx): Promise<void>;
}

export interface RemoteStep<R = unknown> {
  name: StepName;
  remote: true;
  /** The outside call; holds no transaction. */
  call(ctx: StepCtx): Promise<R>;
  /** Records the answer, in the next segment's transaction, and says what it means. */
  apply(ctx: StepCtx, trx: Trx, result: R): Promise<Verdict>;
  compensate(ctx: StepCtx, trx: Trx): Promise<void>;
}

export type Step = LocalStep | RemoteStep<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The process stopped owning the saga (its lease lapsed and another took it over). */
export class LeaseLostError extends Error {
  constructor() {
    super('the checkout saga lease was lost');
  }
}
