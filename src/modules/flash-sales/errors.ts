import { AppError, ConflictError, NotFoundError, RateLimitedError } from '../../platform/errors.js';

export class SaleNotFoundError extends NotFoundError {
  constructor() {
    super('Flash sale');
  }
}

/** The sale has not started, has ended, or is switched off (feature flag). */
export class SaleNotActiveError extends AppError {
  constructor(saleId: string, reason: 'not_started' | 'ended' | 'switched_off' | 'not_on_sale') {
    super('sale_not_active', messages[reason], { saleId, reason });
  }
}

const messages = {
  not_started: 'This flash sale has not started',
  ended: 'This flash sale has ended',
  switched_off: 'This flash sale is switched off',
  not_on_sale: 'This SKU is not part of the flash sale',
};

export class SaleSoldOutError extends AppError {
  constructor(saleId: string, sku: string, requested: number) {
    super('out_of_stock', 'No units of this SKU remain in the flash sale', {
      saleId,
      lines: [{ sku, requested, available: 0 }],
    });
  }
}

export class CustomerLimitError extends AppError {
  constructor(sku: string, limit: number, held: number) {
    super('limit_exceeded', `At most ${limit} unit(s) of ${sku} per customer in this sale`, {
      sku,
      limit,
      held,
    });
  }
}

/** The waiting room is full: come back later. */
export class WaitingRoomFullError extends RateLimitedError {
  constructor(retryAfterSeconds: number) {
    super('The flash sale is very busy; retry later', retryAfterSeconds);
  }
}

export class InvalidQueueTokenError extends AppError {
  constructor() {
    super('validation_failed', 'The queue token is not valid for this sale and user', {}, [
      { path: '/queueToken', message: 'is not a valid queue token' },
    ]);
  }
}

/** A hold that cannot be claimed: expired, released, or claimed by another order. */
export class HoldUnavailableError extends ConflictError {
  constructor(holdIds: string[]) {
    super('A flash-sale hold in the cart has expired or is no longer available', { holdIds });
  }
}
