import { AppError, ConflictError, NotFoundError, UnauthorizedError } from '../../platform/errors.js';

export class PaymentDeclinedError extends AppError {
  constructor(declineCode: string) {
    super('payment_declined', 'The payment was declined; nothing was charged', { declineCode });
  }
}

export class PaymentUnavailableError extends AppError {
  constructor(reason: string) {
    super('payment_unavailable', 'The payment provider is unavailable; nothing was charged, retry later', {
      reason,
      retryAfter: 5,
    });
  }
}

export class UnknownProviderError extends NotFoundError {
  constructor() {
    super('Payment provider');
  }
}

export class BadWebhookSignatureError extends UnauthorizedError {
  constructor(message: string) {
    super(message);
  }
}

/** A sandbox client secret no payment has (in this process: the sandbox keeps its books in memory). */
export class UnknownClientSecretError extends NotFoundError {
  constructor() {
    super('Payment awaiting authentication');
  }
}

/** The payment no longer waits for the customer's 3-D Secure step (cancelled, or decided otherwise). */
export class NotAwaitingActionError extends ConflictError {
  constructor(status: string) {
    super('This payment no longer waits for authentication', { paymentStatus: status });
  }
}
