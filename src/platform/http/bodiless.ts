import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { ValidationError } from '../errors.js';

const MAY_CARRY_A_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function isJson(request: FastifyRequest): boolean {
  const type = request.headers['content-type'];
  return typeof type === 'string' && type.includes('json');
}

function isEmptyObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const _ in value) return false;
  return true;
}

/**
 * A JSON body sent to a route that reads none: absent, `null` and `{}` pass (clients often send an
 * empty object with every POST); anything else is a 400 naming `/body`, the same answer a route with
 * a body schema gives an unknown field, instead of being ignored (a client that thinks it set
 * something learns that it did not).
 */
function refuseBody(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const body = request.body;
  if (body === undefined || body === null || !isJson(request) || isEmptyObject(body)) {
    done();
    return;
  }
  done(
    new ValidationError(
      [{ path: '/body', message: 'must be empty: this route reads no body' }],
      `Invalid request: ${request.method} ${request.routeOptions.url ?? ''} reads no body`,
    ),
  );
}

/**
 * Gives every route that can carry a body but declares no body schema the `refuseBody` check, as a
 * `preValidation` hook of its own: the routes that read a body pay nothing. Routes that declare the
 * media type they read (`schema.consumes`, a CSV import) answer other bodies themselves. Register
 * before the module routes (an `onRoute` hook sees only routes added after it).
 */
export const bodilessPlugin = fp(
  async (app) => {
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      if (!methods.some((m) => MAY_CARRY_A_BODY.has(m))) return;
      // a body schema checks the body; a declared media type (`consumes`) means the route reads a
      // body of its own and answers anything else itself (a CSV import: 415 for JSON)
      if (route.schema?.body !== undefined || route.schema?.consumes !== undefined) return;
      const existing = route.preValidation;
      route.preValidation =
        existing === undefined
          ? refuseBody
          : [...(Array.isArray(existing) ? existing : [existing]), refuseBody];
    });
  },
  { name: 'agora-bodiless' },
);
