import type { Ctx } from '../../platform/context.js';
import type { AnyDb } from '../../platform/db.js';
import { ValidationError } from '../../platform/errors.js';
import { publishEvents } from '../../platform/events/outbox.js';
import type { Actor } from '../../platform/http/auth.js';
import { findVariants, type VariantInfo } from '../catalog/index.js';
import {
  CartExpiredError,
  CartItemNotFoundError,
  CartNotFoundError,
  CartNotOpenError,
  CartTotalTooLargeError,
  CurrencyMismatchError,
  HeldItemChangeError,
  InsufficientStockError,
  SkuNotAvailableError,
  UnknownCountryError,
} from './errors.js';
import { CART_SOURCE, type CartEvents } from './events.js';
import {
  priceLines,
  totalsFit,
  totalsLines,
  variantsOf,
  withPlainLine,
  type AvailabilitySource,
} from './lines.js';
import { presentCart, presentItem } from './presenters.js';
import * as repo from './repository.js';
import { MAX_LINE_QUANTITY, type AddItemBody, type Cart } from './schemas.js';
import { pricingOf, ttlOf, type CartSettings } from './settings.js';
import type { CartRow, ItemRow } from './tables.js';
import { computeTotals } from './totals.js';

export interface CartDeps {
  availability: AvailabilitySource;
  settings: CartSettings;
}

/**
 * Who may use a cart: a user's cart only that user (anyone else is told it does not exist); a
 * guest cart anyone who holds its id, which is 128 random bits.
 */
export function canUse(cart: CartRow, actor: Actor | null): boolean {
  return cart.user_id === null || cart.user_id === actor?.userId;
}

/** @throws UnknownCountryError */
export function taxRateOf(settings: CartSettings, country: string, path?: string): number {
  const rate = settings.taxRates[country];
  if (rate === undefined) throw new UnknownCountryError(country, path);
  return rate;
}

/**
 * A guest cart for an anonymous caller; for a user, their open cart, created when they have none.
 */
export async function openCart(ctx: Ctx, deps: CartDeps): Promise<{ cart: Cart; created: boolean }> {
  const { settings } = deps;
  const userId = ctx.actor?.userId ?? null;
  let created: boolean;
  let row: CartRow | undefined;
  if (!userId) {
    row = await repo.insertGuestCart(ctx.db, settings.guestTtlHours);
    created = true;
  } else {
    const opened = repo.openUserCarts(
      [{ id: repo.newCartId(), userId, currency: null }],
      settings.userTtlHours,
      {
        lock: false,
      },
    );
    created = (await opened.execute(ctx.db)).rows.length > 0;
    row = await repo.findOpenUserCart(ctx.db, userId);
  }
  // a concurrent checkout can close the cart between the two statements: the caller retries
  if (!row) throw new CartNotFoundError();
  return { cart: await viewCart(ctx.db, deps, row, settings.defaultCountry), created };
}

/**
 * The cart with today's prices and availability and its totals for `country`: four queries (cart,
 * lines, variants, availability) whatever the number of lines.
 * @throws CartNotFoundError, UnknownCountryError
 */
export async function getCart(ctx: Ctx, deps: CartDeps, cartId: string, country?: string): Promise<Cart> {
  const taxCountry = country ?? deps.settings.defaultCountry;
  taxRateOf(deps.settings, taxCountry);
  const cart = await repo.findCart(ctx.db, cartId);
  if (!cart || !canUse(cart, ctx.actor)) throw new CartNotFoundError();
  return viewCart(ctx.db, deps, cart, taxCountry);
}

async function viewCart(db: AnyDb, deps: CartDeps, cart: CartRow, country: string): Promise<Cart> {
  const rate = taxRateOf(deps.settings, country);
  const items = await repo.itemsOf(db, cart.id);
  const currency = cart.currency ?? deps.settings.defaultCurrency;
  const { pricing, ships } = pricingOf(deps.settings, currency);
  if (!items.length) {
    const totals = computeTotals([], currency, rate, pricing);
    return presentCart(cart, [], totals, { country, rate, ships });
  }
  const skus = [...new Set(items.map((i) => i.sku))];
  const [variants, available] = await Promise.all([
    variantsOf(db, items),
    deps.availability.available(db, skus),
  ]);
  const lines = priceLines(items, variants, cart.currency, available);
  const totals = computeTotals(totalsLines(lines), currency, rate, pricing);
  return presentCart(
    cart,
    lines.map((l) => presentItem(l, currency, available.get(l.item.sku) ?? 0)),
    totals,
    { country, rate, ships },
  );
}

/**
 * Locks an open cart the actor may change.
 * @throws CartNotFoundError, CartExpiredError (404), CartNotOpenError (409)
 */
async function lockForChange(trx: repo.Trx, ctx: Ctx, cartId: string): Promise<CartRow> {
  const cart = await repo.lockCart(trx, cartId);
  if (!cart || !canUse(cart, ctx.actor)) throw new CartNotFoundError();
  if (cart.status === 'expired') throw new CartExpiredError();
  if (cart.status !== 'open') throw new CartNotOpenError(cart.status);
  return cart;
}

/**
 * Locks an open cart the actor may change and reads its lines, in one statement.
 * @throws CartNotFoundError, CartExpiredError (404), CartNotOpenError (409)
 */
async function lockWithLinesForChange(
  trx: repo.Trx,
  ctx: Ctx,
  cartId: string,
): Promise<{ cart: CartRow; items: ItemRow[] }> {
  const locked = await repo.lockCartWithItems(trx, cartId);
  if (!locked || !canUse(locked.cart, ctx.actor)) throw new CartNotFoundError();
  const { cart } = locked;
  if (cart.status === 'expired') throw new CartExpiredError();
  if (cart.status !== 'open') throw new CartNotOpenError(cart.status);
  return locked;
}

/**
 * Checks that `quantity` units of `sku` may be in the cart: a published product priced in the
 * cart's currency (`variants` holds it), and that many units available now.
 * @throws SkuNotAvailableError, CurrencyMismatchError, InsufficientStockError
 */
async function checkPurchasable(
  trx: AnyDb,
  deps: CartDeps,
  cart: CartRow,
  variants: ReadonlyMap<string, VariantInfo>,
  sku: string,
  quantity: number,
): Promise<{ currency: string }> {
  const variant = variants.get(sku);
  if (!variant || variant.status !== 'published') throw new SkuNotAvailableError(sku);
  const currency = variant.price.currency;
  if (cart.currency && cart.currency !== currency) throw new CurrencyMismatchError(cart.currency, currency);
  const available = (await deps.availability.available(trx, [sku])).get(sku) ?? 0;
  if (quantity > available) throw new InsufficientStockError(sku, quantity, available);
  return { currency };
}

/** Every SKU of the cart's lines and `sku`, once each: one `findVariants` for all of them. */
const skusWith = (items: readonly ItemRow[], sku: string): string[] => [
  ...new Set([...items.map((i) => i.sku), sku]),
];

function tooMany(path: string): ValidationError {
  return new ValidationError([{ path, message: `a line holds at most ${MAX_LINE_QUANTITY} units` }]);
}

/**
 * Adds units of a SKU: to its existing line, or as a new line. The cart's lines are read with its
 * lock and priced with the SKU's own lookup, so checking the cart's totals costs no statement.
 * @throws CartNotFoundError, CartExpiredError, CartNotOpenError, SkuNotAvailableError,
 * CurrencyMismatchError, InsufficientStockError (out_of_stock), ValidationError past the line limit,
 * CartTotalTooLargeError (400) when the cart's totals would pass `MAX_CART_AMOUNT`
 */
export async function addItem(ctx: Ctx, deps: CartDeps, cartId: string, input: AddItemBody): Promise<Cart> {
  const cart = await ctx.db.transaction().execute(async (trx) => {
    const { cart, items } = await lockWithLinesForChange(trx, ctx, cartId);
    const line = items.find((i) => i.hold_id === null && i.sku === input.sku);
    const quantity = (line?.quantity ?? 0) + input.quantity;
    if (quantity > MAX_LINE_QUANTITY) throw tooMany('/body/quantity');
    const variants = await findVariants(trx, skusWith(items, input.sku));
    const { currency } = await checkPurchasable(trx, deps, cart, variants, input.sku, quantity);
    if (!totalsFit(deps.settings, withPlainLine(items, input.sku, quantity), variants, currency))
      throw new CartTotalTooLargeError('/body/quantity');
    await repo.upsertPlainLine(trx, cart.id, input.sku, quantity);
    await repo.touchCart(trx, cart.id, ttlOf(deps.settings, cart.user_id), currency);
    return cart;
  });
  return getCart(ctx, deps, cart.id);
}

/**
 * Sets the quantity of a plain line. Raising it checks the product, stock and the cart's totals as
 * adding does; lowering it always works (a buyer can shrink a line that stock no longer covers).
 * @throws CartItemNotFoundError, HeldItemChangeError, and the errors of `addItem`
 */
export async function changeQuantity(
  ctx: Ctx,
  deps: CartDeps,
  cartId: string,
  itemId: string,
  quantity: number,
): Promise<Cart> {
  await ctx.db.transaction().execute(async (trx) => {
    const { cart, items } = await lockWithLinesForChange(trx, ctx, cartId);
    const item = items.find((i) => i.id === itemId);
    if (!item) throw new CartItemNotFoundError();
    if (item.hold_id !== null) {
      if (quantity === item.quantity) return;
      throw new HeldItemChangeError();
    }
    if (quantity > item.quantity) {
      const variants = await findVariants(trx, skusWith(items, item.sku));
      const { currency } = await checkPurchasable(trx, deps, cart, variants, item.sku, quantity);
      if (!totalsFit(deps.settings, withPlainLine(items, item.sku, quantity), variants, currency))
        throw new CartTotalTooLargeError('/body/quantity');
    }
    await repo.setQuantity(trx, item.id, quantity);
    await repo.touchCart(trx, cart.id, ttlOf(deps.settings, cart.user_id));
  });
  return getCart(ctx, deps, cartId);
}

/**
 * Removes a line. A line bound to a flash-sale hold publishes `cart.hold_dropped`, so flash sales
 * releases the hold and the unit can be sold again.
 * @throws CartNotFoundError, CartExpiredError, CartNotOpenError, CartItemNotFoundError
 */
export async function removeItem(ctx: Ctx, deps: CartDeps, cartId: string, itemId: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const cart = await lockForChange(trx, ctx, cartId);
    const item = await repo.findItem(trx, cart.id, itemId);
    if (!item) throw new CartItemNotFoundError();
    await repo.deleteItem(trx, item.id);
    await repo.touchCart(trx, cart.id, ttlOf(deps.settings, cart.user_id));
    if (item.hold_id !== null) {
      const data: CartEvents['cart.hold_dropped'] = {
        holdId: item.hold_id,
        cartId: cart.id,
        userId: cart.user_id,
      };
      await publishEvents(trx, { source: CART_SOURCE, correlationId: ctx.requestId }, [
        { type: 'cart.hold_dropped', subject: item.hold_id, data },
      ]);
    }
  });
}
