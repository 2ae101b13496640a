import {
  AppError,
  ConflictError,
  NotFoundError,
  RateLimitedError,
  type FieldError,
} from '../../platform/errors.js';
import type { SaleState } from './tables.js';

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

/** An edit of a sale that has ended or sold out: nothing about it can change any more. */
export class SaleNotEditableError extends ConflictError {
  constructor(saleId: string, state: SaleState) {
    super(
      state === 'sold_out'
        ? 'This flash sale is sold out and can no longer be edited'
        : 'This flash sale has ended and can no longer be edited',
      { saleId, state },
    );
  }
}

/**
 * Changes a started sale cannot take (its start, a sale price, a limit, its list of items) or a
 * quantity below the units buyers hold or bought: each offending field named in `errors`.
 */
export class StartedSaleEditError extends AppError {
  constructor(saleId: string, errors: FieldError[]) {
    super(
      'conflict',
      'This flash sale has started: it keeps its start, items, prices and limits, and at least the units sold or held',
      { saleId },
      errors,
    );
  }
}

/** A started sale's quantity raised past what ordinary stock has: each short item named. */
export class SaleStockShortError extends AppError {
  constructor(saleId: string, short: { index: number; sku: string; requested: number; available: number }[]) {
    super(
      'out_of_stock',
      'Ordinary stock does not cover the raised quantity',
      { saleId, lines: short.map(({ sku, requested, available }) => ({ sku, requested, available })) },
      short.map((s) => ({
        path: `/body/items/${s.index}/quantity`,
        message: `needs ${s.requested} more units from stock; ${s.available} available`,
      })),
    );
  }
}
