import type { Redis } from 'ioredis';
import type { Logger } from '../../platform/logger.js';

/**
 * The admission gate in front of the database: answers "sold out" and "past your limit" from a
 * counter, without a database round trip. It is never the source of truth: it takes units
 * optimistically (`admit`), the database decides, the caller settles the difference (`settle`),
 * and it is reset from the database (`reconcile`) on start, after holds are released, and
 * periodically. Every error it can make is on the side of asking the database (a count too high);
 * a count too low (a crash between admit and settle) lasts until the next reconcile.
 */
export type GateAnswer =
  /** Units taken from the gate's count (at most the quantity asked for). */
  | { verdict: 'pass'; took: number }
  /** The gate has no count for this item yet: the database decides alone. */
  | { verdict: 'unknown' }
  | { verdict: 'sold_out' }
  | { verdict: 'limit'; held: number };

export interface AdmissionGate {
  readonly kind: 'redis' | 'memory';
  admit(key: string, userId: string, quantity: number, limit: number): Promise<GateAnswer>;
  /**
   * After the database answered: adds `stock` to the item's count and `units` to the user's
   * (see `settlement`).
   */
  settle(key: string, userId: string, stock: number, units: number): Promise<void>;
  /** Sets the item's count (and these users' units; `replaceUsers` drops every other user's). */
  reconcile(
    key: string,
    remaining: number,
    users?: Map<string, number>,
    replaceUsers?: boolean,
  ): Promise<void>;
  /** Without I/O: the gate last saw nothing left for this item. */
  soldOutHint(key: string): boolean;
}

interface Entry {
  remaining: number;
  users: Map<string, number>;
  /** When `remaining` was last learnt (for hints taken from a shared gate). */
  seenAt: number;
}

/** The in-process gate: exact for this process, reconciled from the database like the shared one. */
export class MemoryGate implements AdmissionGate {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, Entry>();

  async admit(key: string, userId: string, quantity: number, limit: number): Promise<GateAnswer> {
    return this.admitNow(key, userId, quantity, limit);
  }

  admitNow(key: string, userId: string, quantity: number, limit: number): GateAnswer {
    const e = this.entries.get(key);
    if (!e) return { verdict: 'unknown' };
    if (e.remaining <= 0) return { verdict: 'sold_out' };
    const held = e.users.get(userId) ?? 0;
    if (held + quantity > limit) return { verdict: 'limit', held };
    const took = Math.min(quantity, e.remaining);
    e.remaining -= took;
    e.users.set(userId, held + took);
    return { verdict: 'pass', took };
  }

  async settle(key: string, userId: string, stock: number, units: number): Promise<void> {
    this.settleNow(key, userId, stock, units);
  }

  settleNow(key: string, userId: string, stock: number, units: number): void {
    const e = this.entries.get(key);
    if (!e) return;
    e.remaining = Math.max(0, e.remaining + stock);
    const held = (e.users.get(userId) ?? 0) + units;
    if (held > 0) e.users.set(userId, held);
    else e.users.delete(userId);
  }

  async reconcile(key: string, remaining: number, users?: Map<string, number>, replaceUsers = false) {
    this.reconcileNow(key, remaining, users, replaceUsers);
  }

  reconcileNow(key: string, remaining: number, users?: Map<string, number>, replaceUsers = false): void {
    let e = this.entries.get(key);
    if (!e) {
      e = { remaining, users: new Map(), seenAt: Date.now() };
      this.entries.set(key, e);
    }
    e.remaining = remaining;
    e.seenAt = Date.now();
    if (replaceUsers) e.users.clear();
    for (const [user, units] of users ?? []) {
      if (units > 0) e.users.set(user, units);
      else e.users.delete(user);
    }
  }

  /** Records a count learnt elsewhere (the shared gate's answer). */
  observe(key: string, remaining: number): void {
    const e = this.entries.get(key);
    if (e) {
      e.remaining = remaining;
      e.seenAt = Date.now();
    } else this.entries.set(key, { remaining, users: new Map(), seenAt: Date.now() });
  }

  soldOutHint(key: string, maxAgeMs = Infinity): boolean {
    const e = this.entries.get(key);
    return !!e && e.remaining <= 0 && Date.now() - e.seenAt <= maxAgeMs;
  }
}

const ADMIT = `
local r = redis.call('GET', KEYS[1])
if not r then return {-2, 0, 0} end
r = tonumber(r)
if r <= 0 then return {0, 0, r} end
local u = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
local q = tonumber(ARGV[2])
if u + q > tonumber(ARGV[3]) then return {-1, u, r} end
local take = math.min(q, r)
redis.call('DECRBY', KEYS[1], take)
redis.call('HINCRBY', KEYS[2], ARGV[1], take)
return {1, take, r - take}
`;

const SETTLE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local d = tonumber(ARGV[2])
if d ~= 0 then
  local r = redis.call('INCRBY', KEYS[1], d)
  if r < 0 then redis.call('SET', KEYS[1], 0, 'KEEPTTL') end
end
local n = tonumber(ARGV[3])
if n ~= 0 then
  local u = redis.call('HINCRBY', KEYS[2], ARGV[1], n)
  if u <= 0 then redis.call('HDEL', KEYS[2], ARGV[1]) end
end
return 1
`;

type GateRedis = Redis & {
  flashAdmit(
    k1: string,
    k2: string,
    user: string,
    q: number,
    limit: number,
  ): Promise<[number, number, number]>;
  flashSettle(k1: string, k2: string, user: string, stock: number, units: number): Promise<number>;
};

/** Keys live two days after their last reconcile: longer than any sale's hot phase needs. */
const KEY_TTL_S = 2 * 86_400;
/** How long a "sold out" seen in Redis is answered locally without asking Redis again. */
const HINT_MS = 500;

/**
 * The shared gate: one Lua script per decision (atomic in Redis, one round trip), shared by every
 * process. When Redis is not reachable the process falls back to its own memory gate, which the
 * same reconciles keep current, so the path keeps its shape (the database still decides).
 */
export class RedisGate implements AdmissionGate {
  readonly kind = 'redis' as const;
  private readonly redis: GateRedis;
  private readonly local = new MemoryGate();

  constructor(
    redis: Redis,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {
    if (!('flashAdmit' in redis)) {
      redis.defineCommand('flashAdmit', { numberOfKeys: 2, lua: ADMIT });
      redis.defineCommand('flashSettle', { numberOfKeys: 2, lua: SETTLE });
    }
    this.redis = redis as GateRedis;
  }

  private keys(key: string): [string, string] {
    // one hash tag per item, so both keys live on one cluster slot
    return [`${this.prefix}flash:{${key}}:r`, `${this.prefix}flash:{${key}}:u`];
  }

  private get up(): boolean {
    return this.redis.status === 'ready';
  }

  async admit(key: string, userId: string, quantity: number, limit: number): Promise<GateAnswer> {
    if (!this.up) return this.local.admitNow(key, userId, quantity, limit);
    try {
      const [code, n, remaining] = await this.redis.flashAdmit(...this.keys(key), userId, quantity, limit);
      if (code === -2) return { verdict: 'unknown' };
      this.local.observe(key, remaining);
      if (code === 0) return { verdict: 'sold_out' };
      if (code === -1) return { verdict: 'limit', held: n };
      return { verdict: 'pass', took: n };
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'flash-sale gate: redis failed; the database decides');
      return { verdict: 'unknown' };
    }
  }

  async settle(key: string, userId: string, stock: number, units: number): Promise<void> {
    if (stock === 0 && units === 0) return;
    if (!this.up) return this.local.settleNow(key, userId, stock, units);
    try {
      await this.redis.flashSettle(...this.keys(key), userId, stock, units);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'flash-sale gate: settle failed; reconcile will fix it');
    }
  }

  async reconcile(key: string, remaining: number, users?: Map<string, number>, replaceUsers = false) {
    this.local.reconcileNow(key, remaining, users, replaceUsers);
    if (!this.up) return;
    const [rk, uk] = this.keys(key);
    const m = this.redis.multi().set(rk, remaining, 'EX', KEY_TTL_S);
    if (replaceUsers) m.del(uk);
    const set: (string | number)[] = [];
    const drop: string[] = [];
    for (const [user, units] of users ?? []) {
      if (units > 0) set.push(user, units);
      else drop.push(user);
    }
    if (set.length) m.hset(uk, ...set);
    if (drop.length && !replaceUsers) m.hdel(uk, ...drop);
    m.expire(uk, KEY_TTL_S);
    try {
      await m.exec();
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'flash-sale gate: reconcile failed');
    }
  }

  soldOutHint(key: string): boolean {
    return this.local.soldOutHint(key, this.up ? HINT_MS : Infinity);
  }
}

/**
 * What to settle after the database answered a request the gate let through having taken `took`
 * units: the user's count moves to what was granted; the item's count gives back what was taken
 * only when the database refused for another reason than stock (when it ran out, the gate's count
 * was too high and must not grow again), and goes down when the database granted more than taken.
 */
export function settlement(
  took: number,
  outcome: { granted: number } | { refused: 'stock' | 'other' },
): { stock: number; units: number } {
  if ('granted' in outcome) {
    const g = outcome.granted;
    return { stock: g > took ? took - g : 0, units: g - took };
  }
  return { stock: outcome.refused === 'other' ? took : 0, units: -took };
}
