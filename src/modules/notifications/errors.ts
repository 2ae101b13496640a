import { ValidationError } from '../../platform/errors.js';

/** A webhook URL that points somewhere Agora must not call (SSRF) or cannot call. */
export class UnsafeWebhookUrlError extends ValidationError {
  constructor(reason: string) {
    super([{ path: '/body/url', message: reason }], `The webhook URL is not allowed: ${reason}`);
  }
}
