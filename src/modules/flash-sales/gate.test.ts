import { Redis } from 'ioredis';
import { pino } from 'pino';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { MemoryGate, RedisGate, type AdmissionGate } from './gate.js';

const kinds = inject('redisUrl') ? (['memory', 'redis'] as const) : (['memory'] as const);

describe.each(kinds)('admission gate (%s)', (kind) => {
  const redis = kind === 'redis' ? new Redis(inject('redisUrl')!, { maxRetriesPerRequest: 1 }) : null;
  const prefix = `g${randomBytes(4).toString('hex')}:`;
  const gate = (): AdmissionGate =>
    redis ? new RedisGate(redis, prefix, pino({ level: 'silent' })) : new MemoryGate();
  afterAll(() => redis?.disconnect());

  it('decides requests made in one turn in arrival order: units, then limits, then sold out', async () => {
    const g = gate();
    await g.reconcile('s1:A', 3, new Map(), true);
    const answers = await Promise.all(['a', 'a', 'b', 'c', 'd'].map((user) => g.admit('s1:A', user, 1, 1)));
    expect(answers).toEqual([
      { verdict: 'pass', took: 1 },
      { verdict: 'limit', held: 1 },
      { verdict: 'pass', took: 1 },
      { verdict: 'pass', took: 1 },
      { verdict: 'sold_out' },
    ]);
    expect(g.soldOutHint('s1:A')).toBe(true);
  });

  it('takes what remains when fewer units are left than asked, and settles batches of callers', async () => {
    const g = gate();
    await g.reconcile('s1:B', 2, new Map([['x', 1]]), true);
    const [x, y] = await Promise.all([g.admit('s1:B', 'x', 2, 3), g.admit('s1:B', 'y', 3, 3)]);
    expect(x).toEqual({ verdict: 'pass', took: 2 });
    expect(y).toEqual({ verdict: 'sold_out' });
    // the database granted x only 1 and refused the rest for stock; another request was refused
    // for another reason after the gate had counted it: its unit goes back
    await Promise.all([g.settle('s1:B', 'x', 0, -1), g.settle('s1:B', 'y', 0, 0)]);
    await g.reconcile('s1:B', 1);
    const again = await Promise.all([g.admit('s1:B', 'x', 1, 3), g.admit('s1:B', 'z', 1, 1)]);
    expect(again).toEqual([{ verdict: 'pass', took: 1 }, { verdict: 'sold_out' }]);
    await g.settle('s1:B', 'x', 1, -1);
    expect(await g.admit('s1:B', 'z', 1, 1)).toEqual({ verdict: 'pass', took: 1 });
  });

  it('has no answer for an item it holds no count for: the database decides', async () => {
    const g = gate();
    const answers = await Promise.all([g.admit('s1:none', 'a', 1, 1), g.admit('s1:none', 'b', 1, 1)]);
    expect(answers).toEqual([{ verdict: 'unknown' }, { verdict: 'unknown' }]);
    expect(g.soldOutHint('s1:none')).toBe(false);
  });
});
