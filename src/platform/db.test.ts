import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { scratchDatabase } from '../../test/helpers/services.js';
import { openDatabase, type Database } from './db.js';

describe.runIf(inject('pgTemplate'))('PostgreSQL statements (named prepared statements)', () => {
  let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
  let database: Database;

  beforeAll(async () => {
    scratch = await scratchDatabase('agora_t_db');
    database = await openDatabase({ url: scratch.url, poolMax: 2 });
    await sql`create table carts (id serial primary key, user_id int not null, status text not null)`.execute(
      database.db,
    );
    await sql`create unique index carts_open on carts (user_id) where status = 'open'`.execute(database.db);
  });
  afterAll(async () => {
    await database?.close();
    await scratch?.drop();
  });

  it('prepares a data statement once per connection and runs it again by name', async () => {
    const prepared = await database.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 8; i++) await sql`select count(*) from carts where user_id = ${i}`.execute(trx);
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements
        where statement like 'select count(*) from carts where user_id = $1%'`.execute(trx);
      return rows[0].n;
    });
    expect(prepared).toBe(1);
  });

  it('runs ON CONFLICT against a partial unique index with a parameter in its predicate, past the generic plan', async () => {
    // PostgreSQL switches a prepared statement to a generic plan after five runs; with the
    // predicate's value a parameter it could not infer the arbiter index any more
    const inserted = await database.db.transaction().execute(async (trx) => {
      let n = 0;
      for (let i = 0; i < 10; i++) {
        const rows = await trx
          .insertInto('carts' as never)
          .values({ user_id: i % 3, status: 'open' } as never)
          .onConflict((oc) =>
            oc
              .column('user_id' as never)
              .where('status' as never, '=', 'open' as never)
              .doNothing(),
          )
          .returning('id' as never)
          .execute();
        n += rows.length;
      }
      return n;
    });
    expect(inserted).toBe(3);
  });

  it('prepares ON CONFLICT against a partial unique index whose predicate is literal, and it holds past the generic plan', async () => {
    const { inserted, prepared } = await database.db.transaction().execute(async (trx) => {
      let n = 0;
      for (let i = 0; i < 10; i++) {
        const { rows } = await sql`
          insert into carts (user_id, status) values (${100 + (i % 3)}, 'open')
          on conflict (user_id) where status = 'open' do nothing
          returning id`.execute(trx);
        n += rows.length;
      }
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements
        where statement like '%insert into carts (user_id, status) values ($1, ''open'')%'`.execute(trx);
      return { inserted: n, prepared: rows[0].n };
    });
    expect(inserted).toBe(3);
    expect(prepared).toBe(1);
  });

  describe('a BEGIN sent with the first statement', () => {
    const count = async () =>
      (
        await sql<{ n: number }>`select count(*)::int as n from carts where user_id = 900`.execute(
          database.db,
        )
      ).rows[0].n;

    it('opens the transaction before that statement: a rollback undoes it', async () => {
      await expect(
        database.db.transaction().execute(async (trx) => {
          await sql`insert into carts (user_id, status) values (900, 'closed')`.execute(trx);
          const { rows } = await sql<{
            open: boolean;
          }>`select pg_current_xact_id_if_assigned() is not null as open`.execute(trx);
          expect(rows[0].open).toBe(true);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(await count()).toBe(0);
      await database.db.transaction().execute(async (trx) => {
        await sql`insert into carts (user_id, status) values (900, 'closed')`.execute(trx);
      });
      expect(await count()).toBe(1);
    });

    it("gives the first statement's error, and leaves the connection usable", async () => {
      for (let i = 0; i < 3; i++)
        await expect(
          database.db.transaction().execute(async (trx) => {
            await sql`insert into carts (user_id, status) values (null, 'open')`.execute(trx);
          }),
        ).rejects.toThrow(/null value/);
      expect(await count()).toBe(1);
    });

    it('sends nothing for a transaction that ends before any statement', async () => {
      await database.db.transaction().execute(async () => {});
      await expect(
        database.db.transaction().execute(async () => {
          throw new Error('before any statement');
        }),
      ).rejects.toThrow('before any statement');
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(database.db);
      expect(rows[0].one).toBe(1);
    });
  });
});
