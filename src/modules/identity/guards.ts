import type { Ctx } from '../../platform/context.js';
import { UnauthorizedError } from '../../platform/errors.js';
import type { Actor } from '../../platform/http/auth.js';

export function actorRequired(ctx: Ctx): Actor {
  if (!ctx.actor) throw new UnauthorizedError();
  return ctx.actor;
}
