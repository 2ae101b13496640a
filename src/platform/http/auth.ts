import type { FastifyRequest, HookHandlerDoneFunction, preHandlerHookHandler } from 'fastify';
import { ForbiddenError, UnauthorizedError, type AppError } from '../errors.js';
import { sendProblem } from './error-handler.js';

export const ROLES = ['buyer', 'seller', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is making a request, as proven by a verified access token. */
export interface Actor {
  userId: string;
  role: Role;
  /** The refresh-token family (session) the access token was issued from. */
  sessionId: string;
}

/** Implemented by the identity module; the platform only knows this shape. */
export interface TokenVerifier {
  /** @throws UnauthorizedError for a missing, malformed, expired, tampered or unknown-key token. */
  verifyAccessToken(token: string): Promise<Actor>;
  /**
   * The actor of a token that verified before and still holds, from memory; `undefined` sends the
   * token to `verifyAccessToken`. Lets a request with a known token pass without a promise.
   */
  knownActor?(token: string): Actor | undefined;
  /**
   * The actor a token names when it would pass but for its signature, which is not checked (well
   * formed, a live key's, claims valid and unexpired); no I/O. Without it `requireRoleUnless`
   * checks every token.
   */
  plausibleActor?(token: string): Actor | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
}

export interface AuthGuard {
  /** preHandler: a valid access token is required; sets `request.actor`. */
  requireUser: preHandlerHookHandler;
  /** preHandler: a valid access token of one of `roles` is required. */
  requireRole(...roles: Role[]): preHandlerHookHandler;
  /** preHandler: sets `request.actor` when a valid token is sent, leaves it null when none is. */
  optionalUser: preHandlerHookHandler;
  /**
   * preHandler: `requireRole(...roles)`, except that when `refusal` refuses the request whoever
   * sends it, a plausible token (`TokenVerifier.plausibleActor`) of one of `roles` gets the refusal
   * without its signature being checked. For answers anyone may learn anyway, given to crowds of
   * never-seen tokens: a sold-out flash sale refuses thousands a second, and a signature costs
   * 20–30 µs of CPU each. No token, a malformed, expired or unknown-key one is still a 401, another
   * role a 403; `request.actor` stays null.
   */
  requireRoleUnless(
    roles: readonly Role[],
    refusal: (request: FastifyRequest) => AppError | undefined,
  ): preHandlerHookHandler;
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const [scheme, token] = header.split(' ');
  if (scheme?.toLowerCase() !== 'bearer' || !token)
    throw new UnauthorizedError('Use Authorization: Bearer <token>');
  return token;
}

/**
 * The guards are callback hooks, not async functions: most requests carry a token this process
 * verified before, and answering those synchronously spares each one three promises and their
 * microtask turns (on a flash sale's sold-out answer, a few per cent of its CPU).
 */
export function createAuthGuard(verifier: TokenVerifier): AuthGuard {
  /** Sets `request.actor` from the request's token (none: `required` decides), checks `roles`, then `done`. */
  const authenticate = (
    request: FastifyRequest,
    required: boolean,
    roles: readonly Role[] | null,
    done: HookHandlerDoneFunction,
  ): void => {
    const token = bearer(request);
    if (!token) {
      if (required) throw new UnauthorizedError();
      done();
      return;
    }
    const known = verifier.knownActor?.(token);
    if (known) pass(request, known, roles, done);
    else verifier.verifyAccessToken(token).then((actor) => pass(request, actor, roles, done), done);
  };
  return {
    requireUser: (request, _reply, done) => authenticate(request, true, null, done),
    requireRole:
      (...roles) =>
      (request, _reply, done) =>
        authenticate(request, true, roles, done),
    optionalUser: (request, _reply, done) => authenticate(request, false, null, done),
    requireRoleUnless: (roles, refusal) => (request, reply, done) => {
      const refused = refusal(request);
      if (refused) {
        const token = bearer(request);
        const claimed = token ? verifier.plausibleActor?.(token) : undefined;
        if (claimed && roles.includes(claimed.role)) {
          sendProblem(reply, request, refused);
          return;
        }
      }
      authenticate(request, true, roles, done);
    },
  };
}

function pass(
  request: FastifyRequest,
  actor: Actor,
  roles: readonly Role[] | null,
  done: HookHandlerDoneFunction,
): void {
  request.actor = actor;
  if (roles && !roles.includes(actor.role))
    done(new ForbiddenError(`This needs the role ${roles.join(' or ')}`));
  else done();
}

/** The actor of a request that passed `requireUser`/`requireRole`. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new UnauthorizedError();
  return request.actor;
}
