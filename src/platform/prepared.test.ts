import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { scratchDatabase } from '../../test/helpers/services.js';
import { counting } from '../../test/helpers/statements.js';
import { openDatabase, type Database } from './db.js';
import { pipelined } from './pipelined.js';
import { prepared, preparedForms } from './prepared.js';

interface Item {
  id: number;
  name: string;
  state: string;
  tags: string[];
}

const insertItem = prepared((db, v: { id: number; name: string; tags: string[] }) =>
  db
    .insertInto('items')
    .values({ id: v.id, name: v.name, state: 'new', tags: v.tags })
    .returning(['id', 'name', 'state', 'tags']),
);
const itemsIn = prepared((db, v: { ids: number[] }) =>
  db
    .selectFrom('items')
    .select(['id', 'name'])
    .where(sql<boolean>`id = any(${v.ids})`)
    .orderBy('id'),
);
const rename = prepared((db, v: { id: number; name: string }) =>
  db.updateTable('items').set({ name: v.name }).where('id', '=', v.id),
);
const moveTo = preparedForms(
  (state: 'open' | 'closed') => (db, v: { id: number }) =>
    db.updateTable('items').set({ state }).where('id', '=', v.id).returning(['id', 'state']),
);

function behaviours(open: () => Database) {
  it('runs one text with new values each time, in and out of transactions and pipelines', async () => {
    const db = open().db;
    expect(await insertItem.executeTakeFirst(db, { id: 1, name: 'one', tags: ['a'] })).toEqual({
      id: 1,
      name: 'one',
      state: 'new',
      tags: ['a'],
    });
    await db.transaction().execute(async (trx) => {
      await insertItem.execute(trx, { id: 2, name: 'two', tags: [] });
      await insertItem.execute(trx, { id: 3, name: 'three', tags: ['b', 'c'] });
    });
    expect((await rename.run(db, { id: 2, name: 'deux' })).numAffectedRows).toBe(1n);
    expect(await itemsIn.execute(db, { ids: [3, 2, 9] })).toEqual([
      { id: 2, name: 'deux' },
      { id: 3, name: 'three' },
    ]);
    const [first, second] = await db
      .transaction()
      .execute((trx) => pipelined<Item>(trx, [itemsIn.with({ ids: [1] }), itemsIn.with({ ids: [3] })]));
    expect(first.map((r) => r.name)).toEqual(['one']);
    expect(second.map((r) => r.name)).toEqual(['three']);
    expect(await moveTo('open').executeTakeFirst(db, { id: 1 })).toEqual({ id: 1, state: 'open' });
    expect(await moveTo('closed').executeTakeFirst(db, { id: 1 })).toEqual({ id: 1, state: 'closed' });
    expect(itemsIn.with({ ids: [1] }).compile(db).sql).toBe(itemsIn.with({ ids: [2, 3] }).compile(db).sql);
  });

  it("is seen by a handle's plugins, built afresh for it", async () => {
    const watched = counting(open().db);
    expect(await itemsIn.execute(watched.db, { ids: [1] })).toEqual([{ id: 1, name: 'one' }]);
    await rename.run(watched.db, { id: 1, name: 'uno' });
    expect(watched.kinds).toEqual(['SelectQueryNode', 'UpdateQueryNode']);
  });
}

describe('prepared statements: how they are built', () => {
  it('refuses a value read while building, one that never became a parameter, and a built-in Date', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'agora-prepared-'));
    const database = await openDatabase({ dataDir: dir });
    try {
      const branching = prepared((db, v: { id: number }) =>
        db
          .selectFrom('items')
          .selectAll()
          .where('id', '=', Number(v.id) + 1),
      );
      await expect(branching.execute(database.db, { id: 1 })).rejects.toThrow(/"id" was read/);
      const unused = prepared((db, v: { id: number; name: string }) => {
        const name = v.name; // taken, then left out of the statement
        return db
          .selectFrom('items')
          .selectAll()
          .where('id', '=', v.id)
          .$if(name === undefined, (q) => q.where('name', '=', name));
      });
      await expect(unused.execute(database.db, { id: 1, name: 'x' })).rejects.toThrow(
        /"name" did not become a parameter/,
      );
      const dated = prepared((db, v: { id: number }) =>
        db.updateTable('items').set({ name: 'x', at: new Date() }).where('id', '=', v.id),
      );
      await expect(dated.execute(database.db, { id: 1 })).rejects.toThrow(/a Date was built/);
    } finally {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.runIf(inject('pgTemplate'))('prepared statements (postgres)', () => {
  let database: Database;
  let scratch: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    scratch = await scratchDatabase('agora_prepared');
    database = await openDatabase({ url: scratch.url, poolMax: 2 });
    await sql`create table items (id int primary key, name text not null, state text not null, tags text[] not null)`.execute(
      database.db,
    );
  });
  afterAll(async () => {
    await database.close();
    await scratch.drop();
  });
  behaviours(() => database);
});

describe('prepared statements (pglite)', () => {
  let database: Database;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'agora-prepared-'));
    database = await openDatabase({ dataDir: dir });
    await sql`create table items (id int primary key, name text not null, state text not null, tags text[] not null)`.execute(
      database.db,
    );
  });
  afterAll(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });
  behaviours(() => database);
});
