import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { databaseModes, startAgora, type TestAgora } from '../../../test/helpers/agora.js';
import { canonicalJson, IdempotencyKeyReusedError, IdempotencyStore, requestHash } from './idempotency.js';

describe('request hash', () => {
  it('ignores key order, not values', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 2], c: null } })).toBe('{"a":{"c":null,"d":[1,2]},"b":1}');
    expect(requestHash('op', { a: 1, b: 2 })).toBe(requestHash('op', { b: 2, a: 1 }));
    expect(requestHash('op', { a: 1 })).not.toBe(requestHash('op', { a: 2 }));
  });
});

describe.each(databaseModes())('idempotency store (%s)', (mode) => {
  let agora: TestAgora;
  let store: IdempotencyStore;
  beforeAll(async () => {
    agora = await startAgora(mode);
    store = new IdempotencyStore(agora.rt.database.db, { leaseMs: 10_000, waitMs: 10_000 });
  });
  afterAll(() => agora.close());

  it('runs a key once however many requests race, and answers each with the stored bytes', async () => {
    const key = randomUUID();
    let runs = 0;
    const work = async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 100));
      return { status: 201, body: JSON.stringify({ n: runs, at: Date.now() }) };
    };
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => store.execute({ scope: 's', key, requestHash: 'h' }, work)),
    );
    expect(runs).toBe(1);
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
    const later = await store.execute({ scope: 's', key, requestHash: 'h' }, work);
    expect(later).toMatchObject({ status: 201, body: answers[0].body, replayed: true });
  });

  it('refuses the same key with another request', async () => {
    const key = randomUUID();
    await store.execute({ scope: 's', key, requestHash: 'h1' }, async () => ({ status: 200, body: '{}' }));
    await expect(
      store.execute({ scope: 's', key, requestHash: 'h2' }, async () => ({ status: 200, body: '{}' })),
    ).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
  });

  it('forgets a key whose work failed, so a retry runs it again', async () => {
    const key = randomUUID();
    await expect(
      store.execute({ scope: 's', key, requestHash: 'h' }, async () => {
        throw new Error('fault');
      }),
    ).rejects.toThrow('fault');
    const retry = await store.execute({ scope: 's', key, requestHash: 'h' }, async () => ({
      status: 200,
      body: '"ok"',
    }));
    expect(retry).toMatchObject({ status: 200, body: '"ok"', replayed: false });
  });

  it('lets a retry take over a key whose first request died (lease lapsed)', async () => {
    const key = randomUUID();
    await sql`insert into platform.idempotency_keys (scope, key, request_hash, state, owner, locked_until)
              values ('s', ${key}, 'h', 'in_progress', 'dead-process', now() - interval '1 second')`.execute(
      agora.rt.database.db,
    );
    const taken = await store.execute({ scope: 's', key, requestHash: 'h' }, async () => ({
      status: 201,
      body: '1',
    }));
    expect(taken).toMatchObject({ status: 201, replayed: false });
  });

  it("stores an answer written in the work's own transaction once it commits", async () => {
    const key = randomUUID();
    const db = agora.rt.database.db;
    const first = await store.execute({ scope: 's', key, requestHash: 'h' }, async (claim) => {
      const answer = { status: 201, body: '"in the work\'s transaction"' };
      await db.transaction().execute((trx) => claim.storeIn(trx, answer));
      return answer;
    });
    expect(first).toMatchObject({ status: 201, replayed: false });
    const again = await store.execute({ scope: 's', key, requestHash: 'h' }, async () => ({
      status: 500,
      body: '"must not run"',
    }));
    expect(again).toEqual({ status: 201, body: '"in the work\'s transaction"', replayed: true });
  });

  it('stores the answer the work returns when the transaction that stored another rolled back', async () => {
    const key = randomUUID();
    const db = agora.rt.database.db;
    const first = await store.execute({ scope: 's', key, requestHash: 'h' }, async (claim) => {
      await db
        .transaction()
        .execute(async (trx) => {
          await claim.storeIn(trx, { status: 201, body: '"rolled back"' });
          throw new Error('rolled back');
        })
        .catch(() => undefined);
      return { status: 409, body: '"the real answer"' };
    });
    expect(first).toMatchObject({ status: 409, replayed: false });
    const again = await store.execute({ scope: 's', key, requestHash: 'h' }, async () => ({
      status: 500,
      body: '"must not run"',
    }));
    expect(again).toEqual({ status: 409, body: '"the real answer"', replayed: true });
  });
});
