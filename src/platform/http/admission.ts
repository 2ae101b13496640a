import type { FastifyReply, FastifyRequest } from 'fastify';

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
