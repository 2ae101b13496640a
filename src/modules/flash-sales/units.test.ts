import { describe, expect, it } from 'vitest';
import { Coalescer } from './coalescer.js';
import { MemoryGate, settlement } from './gate.js';
import {
  canTransition,
  HOLD_TRANSITIONS,
  SALE_TRANSITIONS,
  sourcesOf,
  assertTransition,
} from './lifecycle.js';
import { WaitingRoom } from './waiting-room.js';

describe('flash-sale lifecycles', () => {
  it('a sale goes scheduled → active → sold_out | ended, and nothing leaves ended', () => {
    expect(canTransition(SALE_TRANSITIONS, 'scheduled', 'active')).toBe(true);
    expect(canTransition(SALE_TRANSITIONS, 'active', 'sold_out')).toBe(true);
    expect(canTransition(SALE_TRANSITIONS, 'sold_out', 'ended')).toBe(true);
    expect(canTransition(SALE_TRANSITIONS, 'scheduled', 'ended')).toBe(true);
    expect(canTransition(SALE_TRANSITIONS, 'ended', 'active')).toBe(false);
    expect(canTransition(SALE_TRANSITIONS, 'scheduled', 'sold_out')).toBe(false);
    expect(() => assertTransition(SALE_TRANSITIONS, 'ended', 'active', 'flash sale')).toThrow(/cannot go/);
  });

  it('a hold is claimed only while held, converted only while claimed, and given back to held', () => {
    expect(sourcesOf(HOLD_TRANSITIONS, 'claimed')).toEqual(['held']);
    expect(sourcesOf(HOLD_TRANSITIONS, 'converted')).toEqual(['claimed']);
    expect(sourcesOf(HOLD_TRANSITIONS, 'held')).toEqual(['claimed']);
    expect(sourcesOf(HOLD_TRANSITIONS, 'released')).toEqual(['held']);
    expect(HOLD_TRANSITIONS.converted).toEqual([]);
    expect(HOLD_TRANSITIONS.released).toEqual([]);
  });
});

describe('admission gate (in process)', () => {
  it('passes nothing it does not know, takes units in order, refuses sold out and past the limit', () => {
    const gate = new MemoryGate();
    expect(gate.admitNow('k', 'a', 1, 1)).toEqual({ verdict: 'unknown' });
    gate.reconcileNow('k', 2);
    expect(gate.admitNow('k', 'a', 1, 1)).toEqual({ verdict: 'pass', took: 1 });
    expect(gate.admitNow('k', 'a', 1, 1)).toEqual({ verdict: 'limit', held: 1 });
    expect(gate.admitNow('k', 'b', 3, 3)).toEqual({ verdict: 'pass', took: 1 });
    expect(gate.admitNow('k', 'c', 1, 1)).toEqual({ verdict: 'sold_out' });
    expect(gate.soldOutHint('k')).toBe(true);
  });

  it('gives back units the database refused for another reason than stock, never after it ran out', () => {
    expect(settlement(1, { granted: 1 })).toEqual({ stock: 0, units: 0 });
    expect(settlement(1, { refused: 'other' })).toEqual({ stock: 1, units: -1 });
    expect(settlement(1, { refused: 'stock' })).toEqual({ stock: 0, units: -1 });
    // the gate was below the truth: the database granted more than taken
    expect(settlement(0, { granted: 2 })).toEqual({ stock: -2, units: 2 });
    // the database had fewer than taken
    expect(settlement(3, { granted: 1 })).toEqual({ stock: 0, units: -2 });
    const gate = new MemoryGate();
    gate.reconcileNow('k', 1);
    expect(gate.admitNow('k', 'a', 1, 1)).toMatchObject({ verdict: 'pass' });
    const s = settlement(1, { refused: 'other' });
    gate.settleNow('k', 'a', s.stock, s.units);
    expect(gate.admitNow('k', 'a', 1, 1)).toMatchObject({ verdict: 'pass' });
  });
});

describe('coalescer', () => {
  it('runs calls that arrive together as one batch, one batch per key at a time, answers in order', async () => {
    const seen: number[][] = [];
    let running = 0;
    let overlapped = false;
    const c = new Coalescer<number, number>(
      async (_key, batch) => {
        running++;
        if (running > 1) overlapped = true;
        seen.push(batch);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        return batch.map((n) => n * 10);
      },
      { maxBatch: 100, windowMs: 0 },
    );
    const first = await Promise.all(Array.from({ length: 50 }, (_, i) => c.submit('k', i)));
    expect(first).toEqual(Array.from({ length: 50 }, (_, i) => i * 10));
    expect(seen).toHaveLength(1);
    const p = Array.from({ length: 250 }, (_, i) => c.submit('k', i));
    expect((await Promise.all(p)).slice(0, 3)).toEqual([0, 10, 20]);
    expect(seen.slice(1).map((b) => b.length)).toEqual([100, 100, 50]);
    expect(overlapped).toBe(false);
  });

  it('starts the next batch once the running one is ordered, never more than two at once', async () => {
    const events: string[] = [];
    let running = 0;
    let most = 0;
    const release: (() => void)[] = [];
    const c = new Coalescer<number, number>(
      async (_key, batch, ordered) => {
        running++;
        most = Math.max(most, running);
        events.push(`start ${batch.join(',')}`);
        await new Promise<void>((r) => release.push(r));
        events.push(`ordered ${batch.join(',')}`);
        ordered();
        await new Promise<void>((r) => release.push(r));
        running--;
        return batch;
      },
      { maxBatch: 2, windowMs: 0 },
    );
    const answers = Promise.all([1, 2, 3, 4, 5, 6].map((n) => c.submit('k', n)));
    const tick = () => new Promise((r) => setImmediate(r));
    await tick();
    expect(events).toEqual(['start 1,2']);
    release.shift()!(); // batch 1 ordered: batch 2 starts
    await tick();
    await tick();
    expect(events).toEqual(['start 1,2', 'ordered 1,2', 'start 3,4']);
    release.shift()!(); // batch 1 finishes; batch 2 is not ordered yet: batch 3 waits
    await tick();
    await tick();
    expect(events).toEqual(['start 1,2', 'ordered 1,2', 'start 3,4']);
    release.shift()!(); // batch 2 ordered: batch 3 starts
    await tick();
    await tick();
    expect(events.slice(3)).toEqual(['ordered 3,4', 'start 5,6']);
    while (events.length < 6 || release.length) {
      release.shift()?.();
      await tick();
    }
    expect(await answers).toEqual([1, 2, 3, 4, 5, 6]);
    expect(most).toBe(2);
  });

  it('with maxRunning, as many batches run at once, each started once the one before is ordered', async () => {
    const finish: (() => void)[] = [];
    let running = 0;
    let most = 0;
    const c = new Coalescer<number, number>(
      async (_key, batch, ordered) => {
        running++;
        most = Math.max(most, running);
        ordered(); // at once, as the flash batch does once its statements are sent
        await new Promise<void>((r) => finish.push(r));
        running--;
        return batch;
      },
      { maxBatch: 1, windowMs: 0, maxRunning: 3 },
    );
    const tick = () => new Promise((r) => setImmediate(r));
    const answers = Promise.all([1, 2, 3, 4, 5].map((n) => c.submit('k', n)));
    for (let i = 0; i < 5; i++) await tick();
    expect(running).toBe(3);
    finish.shift()!(); // one finishes: the fourth starts
    for (let i = 0; i < 3; i++) await tick();
    expect(running).toBe(3);
    while (finish.length) {
      finish.shift()!();
      for (let i = 0; i < 3; i++) await tick();
    }
    expect(await answers).toEqual([1, 2, 3, 4, 5]);
    expect(most).toBe(3);
  });

  it('a failed batch fails each of its calls, and the next batch runs', async () => {
    let n = 0;
    const c = new Coalescer<number, number>(
      async (_key, batch) => {
        if (n++ === 0) throw new Error('boom');
        return batch;
      },
      { maxBatch: 10, windowMs: 0 },
    );
    await expect(Promise.all([c.submit('k', 1), c.submit('k', 2)])).rejects.toThrow('boom');
    expect(await c.submit('k', 3)).toBe(3);
  });
});

describe('waiting room', () => {
  const room = (maxInflight: number, maxQueue = 100) =>
    new WaitingRoom({ maxInflight, maxQueue, admitWindowMs: 60_000, secret: Buffer.from('x'.repeat(32)) });

  it('lets buyers in up to the limit, then hands out places and admits them in arrival order', () => {
    const r = room(2);
    const a = r.enter('s', 'a');
    const b = r.enter('s', 'b');
    const c = r.enter('s', 'c');
    const d = r.enter('s', 'd');
    expect(a.admitted && b.admitted).toBe(true);
    if (c.admitted || d.admitted) throw new Error('expected places in line');
    expect([c.position, d.position]).toEqual([1, 2]);
    expect(c.pollAfter).toBeGreaterThan(0);
    expect(r.status('s', 'd', d.token).admitted).toBe(false);
    if (a.admitted) a.leave();
    expect(r.status('s', 'c', c.token).admitted).toBe(true);
    expect(r.status('s', 'd', d.token)).toMatchObject({ admitted: false, position: 1 });
    // a newcomer does not jump the line while others wait
    expect(r.enter('s', 'e').admitted).toBe(false);
    expect(r.enter('s', 'c', c.token).admitted).toBe(true);
  });

  it('gives a buyer one place per sale: arriving again without the token keeps the place', () => {
    const r = room(1);
    const a = r.enter('s', 'a');
    const b = r.enter('s', 'b');
    const again = r.enter('s', 'b');
    const c = r.enter('s', 'c');
    if (b.admitted || again.admitted || c.admitted) throw new Error('expected places in line');
    expect(again).toMatchObject({ token: b.token, position: 1 });
    expect(c.position).toBe(2);
    expect(r.stats.waiting).toBe(2);
    // another sale is another line
    expect(r.enter('t', 'b')).toMatchObject({ admitted: false, position: 3 });
    if (a.admitted) a.leave();
    // admitted: the buyer comes back without the token and is let in on the place, once
    const back = r.enter('s', 'b');
    expect(back.admitted).toBe(true);
    if (back.admitted) back.leave();
    expect(r.status('s', 'c', c.token).admitted).toBe(true);
    expect(r.enter('s', 'b')).toMatchObject({ admitted: false });
  });

  it('refuses forged tokens and tokens of another buyer or sale, and a full line', () => {
    const r = room(1, 1);
    expect(r.enter('s', 'a').admitted).toBe(true);
    const b = r.enter('s', 'b');
    if (b.admitted) throw new Error('expected a place');
    expect(() => r.status('s', 'x', b.token)).toThrow(/not valid/);
    expect(() => r.status('t', 'b', b.token)).toThrow(/not valid/);
    const mac = b.token.split('.')[1];
    const forged = Buffer.from(JSON.stringify({ s: 's', u: 'b', n: 0, e: 'x', t: 0 })).toString('base64url');
    expect(() => r.status('s', 'b', `${forged}.${mac}`)).toThrow(/not valid/);
    expect(() => r.enter('s', 'c')).toThrow(/busy/);
  });
});
