import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { scratchDatabase } from '../../test/helpers/services.js';
import {
  EXPECTATION_FAILED,
  isExpectationFailed,
  lastInTransaction,
  openDatabase,
  type Database,
} from './db.js';
import { up as createExpect } from './migrations/20261128_0004_expect.js';
import { pipelined } from './pipelined.js';

/** A database with `platform.expect` and a table `notes (n int primary key)`. */
async function prepare(database: Database) {
  await sql`create schema if not exists platform`.execute(database.db);
  await createExpect(database.db);
  await sql`create table notes (n int primary key)`.execute(database.db);
}

const note = (n: number) => sql`insert into notes (n) values (${n})`;

function behaviours(open: () => Database) {
  const notes = async () =>
    (await sql<{ n: number }>`select n from notes order by n`.execute(open().db)).rows.map((r) => r.n);
  it('a statement marked last commits its transaction with it', async () => {
    await open()
      .db.transaction()
      .execute(async (trx) => {
        await note(1).execute(trx);
        await lastInTransaction(note(2)).execute(trx);
      });
    expect(await notes()).toEqual([1, 2]);
  });

  it('a marked statement whose expectation fails rolls the whole transaction back', async () => {
    const err = await open()
      .db.transaction()
      .execute(async (trx) => {
        await note(3).execute(trx);
        await lastInTransaction(
          sql`select platform.expect(exists (select 1 from notes where n = 99), 'note_missing')`,
        ).execute(trx);
      })
      .catch((e: unknown) => e);
    expect((err as { code: string }).code).toBe(EXPECTATION_FAILED);
    expect(isExpectationFailed(err, 'note_missing')).toBe(true);
    expect(isExpectationFailed(err, 'another')).toBe(false);
    expect(await notes()).toEqual([1, 2]);
    // the connection is usable afterwards
    await open()
      .db.transaction()
      .execute((trx) => lastInTransaction(note(4)).execute(trx));
    expect(await notes()).toEqual([1, 2, 4]);
  });

  it('pipelined statements run in order, each answering its own rows', async () => {
    const answers = await open()
      .db.transaction()
      .execute((trx) =>
        pipelined<{ n: number }>(trx, [
          sql`insert into notes (n) values (5) returning n`,
          sql`insert into notes (n) select max(n) + 1 from notes returning n`,
          sql`select count(*)::int as n from notes`,
        ]),
      );
    expect(answers).toEqual([[{ n: 5 }], [{ n: 6 }], [{ n: 5 }]]);
  });

  it("pipelined statements fail with the first failing statement's error, and roll back", async () => {
    await expect(
      open()
        .db.transaction()
        .execute((trx) =>
          pipelined(trx, [note(7), note(1), sql`select platform.expect(false, 'never reached')`]),
        ),
    ).rejects.toThrow(/duplicate key/);
    expect(await notes()).toEqual([1, 2, 4, 5, 6]);
  });

  it('a pipelined batch whose last statement is marked commits with it, or rolls back whole', async () => {
    const answers = await open()
      .db.transaction()
      .execute((trx) =>
        pipelined<{ n: number }>(trx, [
          sql`insert into notes (n) values (8) returning n`,
          lastInTransaction(sql`insert into notes (n) values (9) returning n`),
        ]),
      );
    expect(answers).toEqual([[{ n: 8 }], [{ n: 9 }]]);
    const err = await open()
      .db.transaction()
      .execute((trx) =>
        pipelined(trx, [note(10), lastInTransaction(sql`select platform.expect(false, 'refused')`)]),
      )
      .catch((e: unknown) => e);
    expect(isExpectationFailed(err, 'refused')).toBe(true);
    expect(await notes()).toEqual([1, 2, 4, 5, 6, 8, 9]);
  });
}

describe.runIf(inject('pgTemplate'))('transaction ends and pipelined statements (postgres)', () => {
  let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
  let database: Database;

  beforeAll(async () => {
    scratch = await scratchDatabase('agora_t_ends');
    database = await openDatabase({ url: scratch.url, poolMax: 1 });
    await prepare(database);
  });
  afterAll(async () => {
    await database?.close();
    await scratch?.drop();
  });

  behaviours(() => database);

  it('refuses a statement after the one marked last, which has committed', async () => {
    const before = (await sql<{ n: number }>`select count(*)::int as n from notes`.execute(database.db))
      .rows[0].n;
    await expect(
      database.db.transaction().execute(async (trx) => {
        await lastInTransaction(note(100)).execute(trx);
        await note(101).execute(trx);
      }),
    ).rejects.toThrow(/committed with its last statement/);
    const { rows } = await sql<{ n: number }>`select n from notes where n >= 100`.execute(database.db);
    expect(rows.map((r) => r.n)).toEqual([100]);
    expect(
      (await sql<{ n: number }>`select count(*)::int as n from notes`.execute(database.db)).rows[0].n,
    ).toBe(before + 1);
  });
});

describe('transaction ends and pipelined statements (pglite)', () => {
  let dir: string;
  let database: Database;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'agora-ends-'));
    database = await openDatabase({ dataDir: dir });
    await prepare(database);
  });
  afterAll(async () => {
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  behaviours(() => database);
});
