/**
 * Cart: guest and user carts with live prices, availability and totals; merge on login; expiry.
 * The door: the module (routes, the checkout and flash-sale entry points), its migrations and
 * the events and errors other modules handle.
 */
import type { AnyDb, Transaction } from '../../platform/db.js';
import type { AuthGuard } from '../../platform/http/auth.js';
import type { JobRunner } from '../../platform/jobs/runner.js';
import type { Runtime } from '../../platform/runtime.js';
import { forCheckout, markCheckedOut, type CheckoutCart } from './checkout.js';
import { EXPIRE_JOB, expireIdleCarts } from './expiry.js';
import type { AppError } from '../../platform/errors.js';
import { CurrencyMismatchError } from './errors.js';
import { addHeldItems, heldBatch, removeHeldItem, type HeldBatch, type HeldItemInput } from './held.js';
import type { AvailabilitySource } from './lines.js';
import { mergeGuestCart } from './merge.js';
import { cartRoutes } from './routes.js';
import { cartSettings } from './settings.js';

export { cartMigrations } from './migrations/index.js';
export type { CartEvents, CartEventType } from './events.js';
export type { CheckoutCart, CheckoutLine } from './checkout.js';
export type { HeldBatch, HeldItemInput } from './held.js';
export type { AvailabilitySource } from './lines.js';
export type { Totals } from './totals.js';
export { computeTotals, MAX_CART_AMOUNT } from './totals.js';
export {
  CartExpiredError,
  CartLinesUnavailableError,
  CartNotFoundError,
  CartNotOpenError,
  CartOverMaximumError,
  CurrencyMismatchError,
  EmptyCartError,
  ShippingUnavailableError,
  UnknownCountryError,
} from './errors.js';

type Trx = Transaction<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface CartModule {
  routes(guard: AuthGuard): ReturnType<typeof cartRoutes>;
  /**
   * Locks the cart row (FOR UPDATE), checks owner, non-empty, status 'open'; live prices (held
   * lines keep their held price); totals with tax for `country`.
   * @throws CartNotFoundError (unknown, or not this user's), CartNotOpenError, EmptyCartError,
   * CartLinesUnavailableError, UnknownCountryError, ShippingUnavailableError, CartOverMaximumError
   */
  forCheckout(trx: Trx, input: { cartId: string; userId: string; country: string }): Promise<CheckoutCart>;
  /** Idempotent: cart status 'open' → 'checked_out' with orderId. @throws CartNotOpenError */
  markCheckedOut(trx: Trx, cartId: string, orderId: string): Promise<void>;
  /**
   * Flash sales, batched (one flash batch = many buyers): adds lines at a fixed price bound to a
   * hold, creating each user's open cart if none; a constant number of statements per call.
   * @throws CurrencyMismatchError when a buyer's cart is in another currency
   */
  addHeldItems(
    trx: Trx,
    inputs: HeldItemInput[],
  ): Promise<{ holdId: string; cartId: string; itemId: string }[]>;
  /**
   * Flash sales, the same as pieces of the caller's own statements (see `HeldBatch`): the batch
   * opens or locks its buyers' carts, reads them, and writes its lines in the statement that
   * decides it.
   */
  heldBatch(users: { userId: string; currency: string }[]): HeldBatch;
  /** The refusal of a held line whose buyer's cart is in another currency. */
  currencyRefusal(cartCurrency: string, currency: string): AppError;
  /** Removes the line bound to a released/expired hold. Idempotent. */
  removeHeldItem(trx: Trx, holdId: string): Promise<void>;
  /** Called after a successful login with the guest cart id the client passed. Idempotent. */
  mergeGuestCart(db: AnyDb, input: { guestCartId: string; userId: string }): Promise<void>;
}

/**
 * Builds the cart module and registers its expiry job (`cart.expire`, every
 * AGORA_CART_EXPIRY_INTERVAL_MS). `availability` is inventory's `available` (any object with it).
 */
export function createCartModule(
  rt: Runtime,
  deps: { jobs: JobRunner; availability: AvailabilitySource },
): CartModule {
  const settings = cartSettings(rt.config);
  const { availability } = deps;
  deps.jobs.every(EXPIRE_JOB, rt.config.AGORA_CART_EXPIRY_INTERVAL_MS, async (_payload, ctx) => {
    await expireIdleCarts(ctx.db, ctx.log);
  });
  return {
    routes: (guard) => cartRoutes({ db: rt.database.db, guard, availability, settings }),
    forCheckout: (trx, input) => forCheckout(trx, settings, input),
    markCheckedOut: (trx, cartId, orderId) => markCheckedOut(trx, cartId, orderId),
    addHeldItems: (trx, inputs) => addHeldItems(trx, settings, inputs),
    heldBatch: (users) => heldBatch(settings, users),
    currencyRefusal: (cartCurrency, currency) => new CurrencyMismatchError(cartCurrency, currency),
    removeHeldItem: (trx, holdId) => removeHeldItem(trx, holdId),
    mergeGuestCart: async (db, input) => {
      await mergeGuestCart(db, { availability, settings, log: rt.log }, input);
    },
  };
}
