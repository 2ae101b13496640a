import { PGlite } from '@electric-sql/pglite';
import { Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteDialect } from './pglite-dialect.js';
import { serializedDialect } from './serial-dialect.js';

describe('PGlite transactions in turn', () => {
  let db: Kysely<unknown>;
  beforeAll(async () => {
    db = new Kysely<unknown>({ dialect: serializedDialect(pgliteDialect(await PGlite.create())) });
    await sql`create table stock (id int primary key, n int not null check (n >= 0))`.execute(db);
  });
  afterAll(async () => {
    await db.destroy();
  });

  it('a rolled-back transaction undoes only its own work, however many run at once', async () => {
    await sql`insert into stock values (1, 10)`.execute(db);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        db.transaction().execute(async (trx) => {
          const { rows } = await sql`update stock set n = n - 1 where id = 1 and n >= 1 returning n`.execute(
            trx,
          );
          await new Promise((r) => setTimeout(r, 2));
          if (i % 2) throw new Error('changed my mind');
          return rows.length;
        }),
      ),
    );
    const kept = outcomes.filter((o) => o.status === 'fulfilled' && o.value === 1).length;
    expect(kept).toBe(6);
    const { rows } = await sql<{ n: number }>`select n from stock where id = 1`.execute(db);
    expect(rows[0].n).toBe(4);
  });

  it('a query on the root handle inside a transaction runs in it instead of waiting for it', async () => {
    await sql`insert into stock values (2, 3)`.execute(db);
    const seen = await db.transaction().execute(async (trx) => {
      await sql`update stock set n = 0 where id = 2`.execute(trx);
      const { rows } = await sql<{ n: number }>`select n from stock where id = 2`.execute(db);
      return rows[0].n;
    });
    expect(seen).toBe(0);
    const outside = await Promise.all([
      db
        .transaction()
        .execute(async (trx) => {
          await sql`update stock set n = 99 where id = 2`.execute(trx);
          await new Promise((r) => setTimeout(r, 20));
          throw new Error('rolled back');
        })
        .catch(() => 'rolled back'),
      (async () => {
        await new Promise((r) => setTimeout(r, 5));
        return (await sql<{ n: number }>`select n from stock where id = 2`.execute(db)).rows[0].n;
      })(),
    ]);
    expect(outside).toEqual(['rolled back', 0]);
  });
});
