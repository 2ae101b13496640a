import { AppError, NotFoundError, UnauthorizedError } from '../../platform/errors.js';

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
