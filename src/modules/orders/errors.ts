import { ConflictError, NotFoundError } from '../../platform/errors.js';

export class OrderNotFoundError extends NotFoundError {
  constructor() {
    super('Order');
  }
}

export class CheckoutInProgressError extends ConflictError {
  constructor(orderId: string) {
    super('A checkout of this cart is already in progress', { orderId });
  }
}

export class CartAlreadyCheckedOutError extends ConflictError {
  constructor(orderId: string) {
    super('This cart was already checked out', { orderId });
  }
}

export class OrderStateError extends ConflictError {
  constructor(message: string, status: string) {
    super(message, { status });
  }
}
