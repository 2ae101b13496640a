import type { FastifyRequest } from 'fastify';
import type { AnyDb } from './db.js';
import type { FastifyBaseLogger } from 'fastify';
import type { Actor } from './http/auth.js';

/** What every use case receives first: the database, who is acting, and the request's identity. */
export interface Ctx {
  db: AnyDb;
  actor: Actor | null;
  requestId: string;
  log: FastifyBaseLogger;
}

export function ctxOf(request: FastifyRequest, db: AnyDb): Ctx {
  return { db, actor: request.actor, requestId: request.id, log: request.log };
}
