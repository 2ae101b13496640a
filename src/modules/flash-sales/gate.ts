import type { Redis } from 'ioredis';
import type { Logger } from '../../platform/logger.js';
import { PerTurnBatcher } from '../../platform/per-turn-batcher.js';

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

/**
 * Decides a batch of requests for one item, in order: ARGV is (user, quantity, limit) per request;
 * the answer is (code, n, remaining) per request: -2 no count (n 0), 0 sold out, -1 past the
 * limit (n = units the user holds), 1 passed (n = units taken).
 */
const ADMIT = `
local out = {}
local r = redis.call('GET', KEYS[1])
if not r then
  for i = 1, #ARGV, 3 do out[#out + 1] = -2; out[#out + 1] = 0; out[#out + 1] = 0 end
  return out
end
r = tonumber(r)
local taken = 0
for i = 1, #ARGV, 3 do
  if r <= 0 then
    out[#out + 1] = 0; out[#out + 1] = 0; out[#out + 1] = r
  else
    local u = tonumber(redis.call('HGET', KEYS[2], ARGV[i]) or '0')
    local q = tonumber(ARGV[i + 1])
    if u + q > tonumber(ARGV[i + 2]) then
      out[#out + 1] = -1; out[#out + 1] = u; out[#out + 1] = r
    else
      local take = math.min(q, r)
      r = r - take
      taken = taken + take
      redis.call('HINCRBY', KEYS[2], ARGV[i], take)
      out[#out + 1] = 1; out[#out + 1] = take; out[#out + 1] = r
    end
  end
end
if taken > 0 then redis.call('DECRBY', KEYS[1], taken) end
return out
`;

/** Settles a batch for one item: ARGV is (user, stock, units) per request. */
const SETTLE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local d = 0
for i = 1, #ARGV, 3 do
  d = d + tonumber(ARGV[i + 1])
  local n = tonumber(ARGV[i + 2])
  if n ~= 0 then
    local u = redis.call('HINCRBY', KEYS[2], ARGV[i], n)
    if u <= 0 then redis.call('HDEL', KEYS[2], ARGV[i]) end
  end
end
if d ~= 0 then
  local r = redis.call('INCRBY', KEYS[1], d)
  if r < 0 then redis.call('SET', KEYS[1], 0, 'KEEPTTL') end
end
return 1
`;

type GateRedis = Redis & {
  flashAdmit(k1: string, k2: string, ...args: (string | number)[]): Promise<number[]>;
  flashSettle(k1: string, k2: string, ...args: (string | number)[]): Promise<number>;
};

/** Keys live two days after their last reconcile: longer than any sale's hot phase needs. */
const KEY_TTL_S = 2 * 86_400;
/** How long a "sold out" seen in Redis is answered locally without asking Redis again. */
const HINT_MS = 500;
/** Requests per script call at most (a batch's arguments stay small). */
const MAX_BATCH = 512;

interface AdmitCall {
  userId: string;
  quantity: number;
  limit: number;
  resolve: (answer: GateAnswer) => void;
}

interface SettleCall {
  userId: string;
  stock: number;
  units: number;
  resolve: () => void;
}

/**
 * The shared gate: one Lua script per item and turn of the event loop (atomic in Redis, one round
 * trip for every request gathered), shared by every process. When Redis is not reachable the
 * process falls back to its own memory gate, which the same reconciles keep current, so the path
 * keeps its shape (the database still decides).
 */
export class RedisGate implements AdmissionGate {
  readonly kind = 'redis' as const;
  private readonly redis: GateRedis;
  private readonly local = new MemoryGate();
  private readonly admits = new PerTurnBatcher<AdmitCall>(
    (key, batch) => void this.admitBatch(key, batch),
    MAX_BATCH,
  );
  private readonly settles = new PerTurnBatcher<SettleCall>(
    (key, batch) => void this.settleBatch(key, batch),
    MAX_BATCH,
  );

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

  admit(key: string, userId: string, quantity: number, limit: number): Promise<GateAnswer> {
    if (!this.up) return Promise.resolve(this.local.admitNow(key, userId, quantity, limit));
    return new Promise((resolve) => this.admits.add(key, { userId, quantity, limit, resolve }));
  }

  private async admitBatch(key: string, batch: AdmitCall[]): Promise<void> {
    const args: (string | number)[] = [];
    for (const a of batch) args.push(a.userId, a.quantity, a.limit);
    let out: number[];
    try {
      out = await this.redis.flashAdmit(...this.keys(key), ...args);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'flash-sale gate: redis failed; the database decides');
      for (const a of batch) a.resolve({ verdict: 'unknown' });
      return;
    }
    if (out[0] !== -2) this.local.observe(key, out[out.length - 1]);
    batch.forEach((a, i) => {
      const [code, n] = [out[3 * i], out[3 * i + 1]];
      a.resolve(
        code === -2
          ? { verdict: 'unknown' }
          : code === 0
            ? { verdict: 'sold_out' }
            : code === -1
              ? { verdict: 'limit', held: n }
              : { verdict: 'pass', took: n },
      );
    });
  }

  settle(key: string, userId: string, stock: number, units: number): Promise<void> {
    if (stock === 0 && units === 0) return Promise.resolve();
    if (!this.up) return Promise.resolve(this.local.settleNow(key, userId, stock, units));
    return new Promise((resolve) => this.settles.add(key, { userId, stock, units, resolve }));
  }

  private async settleBatch(key: string, batch: SettleCall[]): Promise<void> {
    const args: (string | number)[] = [];
    for (const s of batch) args.push(s.userId, s.stock, s.units);
    try {
      await this.redis.flashSettle(...this.keys(key), ...args);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'flash-sale gate: settle failed; reconcile will fix it');
    }
    for (const s of batch) s.resolve();
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
