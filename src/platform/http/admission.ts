import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Read by @fastify/under-pressure per route instead of the global pressure handler. */
    pressureHandler?: (request: FastifyRequest, reply: FastifyReply, type: string, value?: number) => void;
  }
}

/**
 * Route config for a route that runs its own admission control (the flash-sale waiting room):
 * neither the per-IP rate limit nor event-loop load shedding answers for it, since both would turn
 * the crowd it exists to queue fairly into errors.
 */
export const OWN_ADMISSION = {
  rateLimit: false,
  pressureHandler: () => undefined,
} as const;

/**
 * @fastify/under-pressure's handler for the routes without their own admission: sheds with 503
 * `overloaded` once `shedFrom()` has passed, except for a window its event-loop histogram took no
 * sample in, which it reports as an infinite delay: that is one stall of about a sample interval
 * (its sampler ran before the histogram's own tick), not load, and sustained load shows as a
 * measured delay in the windows after. Shedding on it answered 503 to light traffic after any
 * 100 ms stall. A rejection ends the request in the error handler; answering from here instead
 * would let under-pressure go on to run the route as well.
 */
export function shedLoad(
  shedFrom: () => number,
): (
  request: FastifyRequest,
  reply: FastifyReply,
  type: string,
  value?: number,
) => Promise<never> | undefined {
  return (request, _reply, type, value) => {
    if (Date.now() < shedFrom()) return undefined;
    if (type === 'eventLoopDelay' && !Number.isFinite(value)) return undefined;
    request.log.warn({ type, value }, 'shedding load');
    return Promise.reject(
      new AppError('overloaded', 'The server is overloaded; retry shortly', { retryAfter: 2 }),
    );
  };
}
