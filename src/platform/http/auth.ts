import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { ForbiddenError, UnauthorizedError } from '../errors.js';

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
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
}

export interface AuthGuard {
  /** preHandler: a valid access token is required; sets `request.actor`. */
  requireUser: preHandlerAsyncHookHandler;
  /** preHandler: a valid access token of one of `roles` is required. */
  requireRole(...roles: Role[]): preHandlerAsyncHookHandler;
  /** preHandler: sets `request.actor` when a valid token is sent, leaves it null when none is. */
  optionalUser: preHandlerAsyncHookHandler;
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const [scheme, token] = header.split(' ');
  if (scheme?.toLowerCase() !== 'bearer' || !token)
    throw new UnauthorizedError('Use Authorization: Bearer <token>');
  return token;
}

export function createAuthGuard(verifier: TokenVerifier): AuthGuard {
  const authenticate = async (request: FastifyRequest): Promise<Actor> => {
    const token = bearer(request);
    if (!token) throw new UnauthorizedError();
    request.actor = await verifier.verifyAccessToken(token);
    return request.actor;
  };
  return {
    requireUser: async (request) => {
      await authenticate(request);
    },
    requireRole:
      (...roles) =>
      async (request) => {
        const actor = await authenticate(request);
        if (!roles.includes(actor.role))
          throw new ForbiddenError(`This needs the role ${roles.join(' or ')}`);
      },
    optionalUser: async (request) => {
      const token = bearer(request);
      if (token) request.actor = await verifier.verifyAccessToken(token);
    },
  };
}

/** The actor of a request that passed `requireUser`/`requireRole`. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new UnauthorizedError();
  return request.actor;
}
