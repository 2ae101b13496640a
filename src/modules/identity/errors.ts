import { AppError, ConflictError, UnauthorizedError, ValidationError } from '../../platform/errors.js';

export class EmailTakenError extends ConflictError {
  constructor() {
    super('An account with this email already exists');
  }
}

/** One answer for an unknown email and a wrong password, so accounts cannot be discovered. */
export class BadCredentialsError extends UnauthorizedError {
  constructor() {
    super('The email or password is not correct');
  }
}

export class AccountDisabledError extends AppError {
  constructor() {
    super('forbidden', 'This account is disabled');
  }
}

export class InvalidRefreshTokenError extends UnauthorizedError {
  constructor(reused = false) {
    super(
      reused
        ? 'This refresh token was already used; the session has been revoked for safety, sign in again'
        : 'The refresh token is not valid or has expired',
    );
  }
}

export class LoginThrottledError extends AppError {
  constructor(retryAfter: number) {
    super('rate_limited', `Too many failed sign-in attempts; retry in ${retryAfter} s`, { retryAfter });
  }
}

export class InvalidResetTokenError extends ValidationError {
  constructor() {
    super(
      [{ path: '/body/token', message: 'is not valid, was already used or has expired' }],
      'The reset link is not valid',
    );
  }
}
