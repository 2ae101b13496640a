/**
 * Orders: the checkout saga (cart → stock → order → payment → confirmed, with compensation and
 * recovery), orders with seller parts and status history, cancel, ship, refund.
 * The door: the module factory, its migrations, and the HoldProvider interface flash sales implement.
 */
import type { Runtime } from '../../platform/runtime.js';
import type { AuthGuard } from '../../platform/http/auth.js';
import { IdempotencyStore } from '../../platform/http/idempotency.js';
import type { JobRunner } from '../../platform/jobs/runner.js';
import type { Retention } from '../../platform/jobs/retention.js';
import type { PaymentsModule } from '../payments/index.js';
import type { CartPort, HoldProvider, InventoryPort } from './ports.js';
import { refundRefused } from './order-service.js';
import { orderRoutes } from './routes.js';
import { Checkout, type CheckoutResult, type StartCheckout } from './saga/checkout.js';
import { pruneFinished } from './saga/saga-repository.js';
import type { SagaRecord, StepName } from './saga/types.js';

export { ordersMigrations } from './migrations/index.js';
export { ORDER_TRANSITIONS, PART_TRANSITIONS } from './state.js';
export type { HoldProvider, CheckoutCart, CheckoutLine, StockLine } from './ports.js';
export type { OrdersEvents, OrderEventData } from './events.js';
export type { OrderStatus, PartStatus } from './tables.js';
export type { CheckoutResult, StartCheckout, StepName };

export const RESUME_CHECKOUT_JOB = 'orders.resume_checkout';
export const RECOVERY_JOB = 'orders.checkout_recovery';

export interface OrdersModule {
  routes(guard: AuthGuard): ReturnType<typeof orderRoutes>;
  /** The one entry point that completes a cart's checkout (storefront call, webhook, recovery). */
  completeCheckout: Checkout['completeCheckout'];
  /** Resumes or compensates sagas nobody drives; the recovery job calls it. Returns how many. */
  recoverCheckouts(limit?: number): Promise<number>;
}

export interface OrdersDeps {
  jobs: JobRunner;
  retention: Retention;
  payments: PaymentsModule;
  inventory: InventoryPort;
  cart: CartPort;
  /** Flash-sale holds; absent = carts have no held lines. */
  holds?: HoldProvider;
  /** Tests only: runs after each saga step; a throw there acts as a crash between two steps. */
  afterStep?: (step: StepName, saga: SagaRecord) => void | Promise<void>;
}

export function createOrdersModule(rt: Runtime, deps: OrdersDeps): OrdersModule {
  const { config } = rt;
  const db = rt.database.db;
  const checkout = new Checkout(
    {
      db,
      inventory: deps.inventory,
      cart: deps.cart,
      holds: deps.holds ?? null,
      payments: deps.payments,
      leaseMs: config.AGORA_CHECKOUT_LEASE_MS,
      paymentTtlMs: config.AGORA_CHECKOUT_PAYMENT_TTL_MS,
      afterStep: deps.afterStep,
    },
    { maxAttempts: config.AGORA_CHECKOUT_MAX_ATTEMPTS, log: rt.log },
  );
  const idempotency = new IdempotencyStore(db, {
    leaseMs: config.AGORA_IDEMPOTENCY_LEASE_MS,
    waitMs: config.AGORA_IDEMPOTENCY_WAIT_MS,
  });
  // A provider webhook changed a payment: resume its cart's checkout through the same entry
  // point, as a job scheduled in the webhook's transaction (retried while the saga is busy).
  deps.payments.onPaymentUpdate(async (trx, update, correlationId) => {
    await deps.jobs.schedule(trx, RESUME_CHECKOUT_JOB, { cartId: update.cartId, correlationId }, new Date(), {
      key: update.cartId,
      maxAttempts: 20,
    });
  });
  deps.payments.onRefundFailure((trx, failure) =>
    refundRefused(trx, failure, `refund-failed:${failure.refundId}`),
  );
  deps.jobs.register<{ cartId: string; correlationId: string }>(
    RESUME_CHECKOUT_JOB,
    (p) => checkout.resumeFromWebhook(p.cartId, p.correlationId),
    { backoffMs: (attempt) => Math.min(30_000, 100 * 2 ** attempt) },
  );
  deps.jobs.every(RECOVERY_JOB, config.AGORA_CHECKOUT_RECOVERY_MS, async (_p, ctx) => {
    const n = await checkout.recover();
    if (n > 0) ctx.log.info({ sagas: n }, 'checkout recovery resumed or compensated stuck sagas');
  });
  deps.retention.add('orders.sagas', pruneFinished);
  return {
    routes: (guard) =>
      orderRoutes({ db, guard, checkout, idempotency, payments: deps.payments, inventory: deps.inventory }),
    completeCheckout: (cartId: string, trigger: never) => checkout.completeCheckout(cartId, trigger),
    recoverCheckouts: (limit) => checkout.recover(limit),
  };
}
