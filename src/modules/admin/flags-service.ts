import type { Ctx } from '../../platform/context.js';
import type { DegradedMode } from '../../platform/degraded.js';
import { NotFoundError, UnauthorizedError, ValidationError } from '../../platform/errors.js';
import { publishEvents } from '../../platform/events/outbox.js';
import { ADMIN_SOURCE, FEATURE_FLAG_CHANGED, type AdminEvents } from './events.js';
import { FLAGS_CHANNEL, type FlagRecord, type FlagStore } from './flag-store.js';
import * as repo from './flags-repository.js';
import {
  FLAG_KEY_PATTERN,
  type DegradedModeState,
  type Flag,
  type FlagChange,
  type ListQuery,
  type PutFlagBody,
} from './schemas.js';
import type { FlagChangeRow } from './tables.js';

export interface FlagsDeps {
  store: FlagStore;
  degraded: DegradedMode;
}

export const presentFlag = (f: FlagRecord): Flag => ({
  key: f.key,
  enabled: f.enabled,
  description: f.description,
  version: f.version,
  updatedAt: f.updatedAt.toISOString(),
  updatedBy: f.updatedBy,
});

const presentChange = (c: FlagChangeRow): FlagChange => ({
  id: String(c.id),
  key: c.key,
  from: c.old_enabled,
  to: c.new_enabled,
  descriptionFrom: c.old_description,
  descriptionTo: c.new_description,
  changedBy: c.actor_id,
  changedAt: c.changed_at.toISOString(),
  requestId: c.request_id,
});

export function presentDegraded(degraded: DegradedMode): DegradedModeState {
  const s = degraded.state();
  return {
    active: s.active,
    reasons: s.reasons,
    eventLoopDelayMs: Math.round(s.eventLoopDelayMs * 10) / 10,
    since: s.since?.toISOString() ?? null,
  };
}

const encodeCursor = (v: string) => Buffer.from(v).toString('base64url');
const decodeCursor = (c: string) => Buffer.from(c, 'base64url').toString();
const FLAG_KEY = new RegExp(FLAG_KEY_PATTERN);
const badCursor = () => new ValidationError([{ path: '/query/cursor', message: 'is not a valid cursor' }]);

/**
 * Every flag by key (the database's values, so a change made through another process shows at
 * once), and this process's degraded mode.
 */
export async function listFlags(ctx: Ctx, deps: FlagsDeps, q: ListQuery) {
  const after = q.cursor ? decodeCursor(q.cursor) : undefined;
  // a cursor is a flag key, base64url-encoded; anything else is not one of ours
  if (after !== undefined && (!FLAG_KEY.test(after) || encodeCursor(after) !== q.cursor)) throw badCursor();
  const rows = await repo.listFlags(ctx.db, { after, limit: q.limit });
  const page = rows.slice(0, q.limit);
  return {
    items: page.map(presentFlag),
    nextCursor: rows.length > q.limit ? encodeCursor(page[page.length - 1].key) : null,
    degradedMode: presentDegraded(deps.degraded),
  };
}

/** @throws NotFoundError when there is no such flag */
export async function getFlag(ctx: Ctx, key: string): Promise<Flag> {
  const flag = await repo.findFlag(ctx.db, key);
  if (!flag) throw new NotFoundError('Feature flag');
  return presentFlag(flag);
}

/**
 * Creates or changes a flag. The change, its audit row, the `feature_flag.changed` event and the
 * NOTIFY that makes every process reload commit together; this process applies it at once. Setting
 * the values a flag already has changes nothing and records nothing.
 */
export async function putFlag(
  ctx: Ctx,
  deps: FlagsDeps,
  key: string,
  body: PutFlagBody,
): Promise<{ flag: Flag; created: boolean }> {
  if (!ctx.actor) throw new UnauthorizedError();
  const actorId = ctx.actor.userId;
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    let before = await repo.lockFlag(trx, key);
    let after: FlagRecord | undefined;
    if (!before) {
      after = await repo.insertFlag(trx, {
        key,
        enabled: body.enabled,
        description: body.description ?? '',
        actorId,
      });
      // created meanwhile by a concurrent request: change that row instead
      if (!after) before = await repo.lockFlag(trx, key);
    }
    if (before) {
      const description = body.description ?? before.description;
      if (before.enabled === body.enabled && before.description === description)
        return { flag: before, created: false, changed: false };
      after = await repo.updateFlag(trx, { key, enabled: body.enabled, description, actorId });
    }
    if (!after) throw new Error(`feature flag ${key} could be neither created nor locked`);
    await repo.insertChange(trx, { key, before, after, actorId, requestId: ctx.requestId });
    const data: AdminEvents['feature_flag.changed'] = {
      key,
      enabled: after.enabled,
      previous: before?.enabled ?? null,
      description: after.description,
      version: after.version,
      changedBy: actorId,
    };
    await publishEvents(trx, { source: ADMIN_SOURCE, correlationId: ctx.requestId }, [
      { type: FEATURE_FLAG_CHANGED, subject: key, data },
    ]);
    await repo.notifyChange(trx, FLAGS_CHANNEL, key);
    return { flag: after, created: before === undefined, changed: true };
  });
  if (outcome.changed) {
    deps.store.merge([outcome.flag]);
    ctx.log.info(
      { flag: key, enabled: outcome.flag.enabled, version: outcome.flag.version },
      'feature flag changed',
    );
  }
  return { flag: presentFlag(outcome.flag), created: outcome.created };
}

/** A flag's audit trail, newest first. @throws NotFoundError when there is no such flag */
export async function listChanges(ctx: Ctx, key: string, q: ListQuery) {
  let beforeId: number | undefined;
  if (q.cursor !== undefined) {
    // a cursor is a change id in decimal digits, base64url-encoded; `1e3`, `0x10` or ` 5` are not ours
    const text = decodeCursor(q.cursor);
    beforeId = Number(text);
    if (!/^[1-9][0-9]*$/.test(text) || !Number.isSafeInteger(beforeId) || encodeCursor(text) !== q.cursor)
      throw badCursor();
  }
  const [flag, rows] = await Promise.all([
    repo.findFlag(ctx.db, key),
    repo.listChanges(ctx.db, key, { limit: q.limit, beforeId }),
  ]);
  if (!flag) throw new NotFoundError('Feature flag');
  const page = rows.slice(0, q.limit);
  return {
    items: page.map(presentChange),
    nextCursor: rows.length > q.limit ? encodeCursor(String(page[page.length - 1].id)) : null,
  };
}
