import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { scratchDatabase } from '../../test/helpers/services.js';
import { waitFor } from '../../test/helpers/events.js';
import { openDatabase, type Database } from './db.js';
import { LISTENER_APPLICATION } from './listen.js';

describe.runIf(inject('pgTemplate'))('LISTEN on PostgreSQL (one connection per process)', () => {
  let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
  let database: Database;

  beforeAll(async () => {
    scratch = await scratchDatabase('agora_t_listen');
    database = await openDatabase({ url: scratch.url, poolMax: 2 });
  });
  afterAll(async () => {
    await database?.close();
    await scratch?.drop();
  });

  const listeners = async () =>
    (
      await sql<{ pid: number }>`select pid from pg_stat_activity
        where datname = current_database() and application_name = ${LISTENER_APPLICATION}`.execute(
        database.db,
      )
    ).rows.map((r) => r.pid);
  const notify = (channel: string, payload: string) =>
    sql`select pg_notify(${channel}, ${payload})`.execute(database.db);

  it('listens to every channel on one connection, and each callback hears its own channel', async () => {
    const heard: string[] = [];
    const stops = await Promise.all([
      database.listen('agora_t_a', (p) => heard.push(`a1:${p}`)),
      database.listen('agora_t_a', (p) => heard.push(`a2:${p}`)),
      database.listen('agora_t_b', (p) => heard.push(`b:${p}`)),
    ]);
    expect(await listeners()).toHaveLength(1);
    await notify('agora_t_a', 'x');
    await notify('agora_t_b', 'y');
    await waitFor(async () => heard.length === 3, 2_000, 'three notifications');
    expect(heard.sort()).toEqual(['a1:x', 'a2:x', 'b:y']);

    await stops[0]();
    await notify('agora_t_a', 'z');
    await waitFor(async () => heard.includes('a2:z'), 2_000, 'a2 still listening');
    expect(heard).not.toContain('a1:z');
    await Promise.all(stops.slice(1).map((stop) => stop()));
    await waitFor(
      async () => (await listeners()).length === 0,
      2_000,
      'the connection closed with the last channel',
    );
  });

  it('re-opens a lost connection, tells every callback once, and hears again', async () => {
    const heard: (string | undefined)[] = [];
    const stop = await database.listen('agora_t_c', (p) => heard.push(p));
    const [pid] = await listeners();
    await sql`select pg_terminate_backend(${pid})`.execute(database.db);
    await waitFor(async () => heard.includes(undefined), 5_000, 'the call after reconnecting');
    expect(await listeners()).toHaveLength(1);
    await notify('agora_t_c', 'after');
    await waitFor(async () => heard.includes('after'), 2_000, 'a notification after reconnecting');
    await stop();
  });
});
