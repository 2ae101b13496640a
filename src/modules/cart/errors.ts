import { AppError, ConflictError, NotFoundError, ValidationError } from '../../platform/errors.js';
import type { CartStatus } from './tables.js';
import { MAX_CART_AMOUNT } from './totals.js';

/** No such cart, or not one the caller may see (another user's cart is answered the same way). */
export class CartNotFoundError extends NotFoundError {
  constructor() {
    super('Cart');
  }
}

/** A mutation of a cart that the expiry job closed: the client starts a new cart. */
export class CartExpiredError extends AppError {
  constructor() {
    super('not_found', 'The cart has expired; create a new one', { reason: 'cart_expired' });
  }
}

export class CartItemNotFoundError extends NotFoundError {
  constructor() {
    super('Cart item');
  }
}

/** A change to (or checkout of) a cart that was checked out or merged into a user's cart. */
export class CartNotOpenError extends ConflictError {
  constructor(readonly status: CartStatus) {
    super(`The cart is ${status.replace('_', ' ')} and can no longer change`, {
      reason: 'cart_not_open',
      cartStatus: status,
    });
  }
}

export class EmptyCartError extends ConflictError {
  constructor() {
    super('The cart is empty', { reason: 'cart_empty' });
  }
}

/** A SKU that does not exist or whose product is not published. */
export class SkuNotAvailableError extends AppError {
  constructor(sku: string) {
    super('not_found', `No product on sale has the SKU ${sku}`, { reason: 'sku_not_available', sku });
  }
}

/** A cart holds one currency; a line priced in another cannot join it. */
export class CurrencyMismatchError extends ConflictError {
  constructor(cartCurrency: string, currency: string, extra: Record<string, unknown> = {}) {
    super(`The cart is in ${cartCurrency}; this item is priced in ${currency}`, {
      reason: 'currency_mismatch',
      cartCurrency,
      currency,
      ...extra,
    });
  }
}

export class HeldItemChangeError extends ConflictError {
  constructor() {
    super('The quantity of a flash-sale item is fixed by its reservation; remove it instead', {
      reason: 'item_held',
    });
  }
}

/** More units asked for than can be sold now. */
export class InsufficientStockError extends AppError {
  constructor(sku: string, requested: number, available: number) {
    super('out_of_stock', `Only ${available} of ${sku} available`, {
      sku,
      requested,
      available,
      lines: [{ sku, requested, available }],
    });
  }
}

/** At checkout: lines that cannot be bought (unknown or unpublished SKU, price in another currency). */
export class CartLinesUnavailableError extends ConflictError {
  constructor(
    readonly lines: { itemId: string; sku: string; reason: 'unavailable' | 'currency_mismatch' }[],
  ) {
    super(`Some items can no longer be bought: ${lines.map((l) => l.sku).join(', ')}`, {
      reason: 'items_unavailable',
      lines,
    });
  }
}

/**
 * An add or a raised quantity that would take the cart's totals (at any destination's tax rate)
 * past `MAX_CART_AMOUNT`: refused like a line past its unit limit, naming the quantity.
 */
export class CartTotalTooLargeError extends ValidationError {
  constructor(path = '/body/quantity') {
    super(
      [
        {
          path,
          message: `the cart's total would exceed ${MAX_CART_AMOUNT} minor units, the most a cart can hold`,
        },
      ],
      'The cart would be worth more than a cart can hold',
    );
  }
}

/** At checkout: a cart whose totals passed `MAX_CART_AMOUNT` (its prices rose since it was filled). */
export class CartOverMaximumError extends ConflictError {
  constructor() {
    super(`The cart's total exceeds ${MAX_CART_AMOUNT} minor units, the most one order can hold`, {
      reason: 'cart_total_too_large',
      maximum: MAX_CART_AMOUNT,
    });
  }
}

/**
 * At checkout: a cart in a currency the shop has no shipping rate for (AGORA_SHIPPING_FLAT_AMOUNT).
 * Refused rather than shipped at another currency's number of minor units, or free by accident.
 */
export class ShippingUnavailableError extends ConflictError {
  constructor(currency: string) {
    super(`Orders in ${currency} cannot be shipped: no shipping rate is set for ${currency}`, {
      reason: 'shipping_unavailable',
      currency,
    });
  }
}

/** A destination country with no configured tax rate. */
export class UnknownCountryError extends ValidationError {
  constructor(country: string, path = '/query/country') {
    super(
      [{ path, message: `no tax rate is configured for ${country}` }],
      `Agora does not sell to ${country}`,
    );
  }
}
