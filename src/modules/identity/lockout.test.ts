import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import {
  agoraBeside,
  databaseModes,
  startAgora,
  startEmbeddedAt,
  type TestAgora,
} from '../../../test/helpers/agora.js';
import { PASSWORD, registerUser, uniqueEmail } from '../../../test/helpers/factories.js';
import { login } from './auth-service.js';
import { createIdentityModule } from './index.js';
import { PasswordHasher } from './passwords.js';

const ENV = {
  AGORA_ARGON2_MEMORY_KIB: '1024',
  AGORA_ARGON2_TIME_COST: '1',
  AGORA_RATE_LIMIT_AUTH_MAX: '1000',
  AGORA_LOGIN_MAX_FAILURES: '3',
  AGORA_LOGIN_LOCK_SECONDS: '900',
};
const WRONG = 'wrong password!';

const signIn = (agora: TestAgora, email: string, password: string) =>
  agora.request({ method: 'POST', url: '/v1/auth/login', body: { email, password } });

/** Fails `times` sign-ins of `email` on `agora`, each a 401. */
async function fail(agora: TestAgora, email: string, times: number) {
  for (let i = 0; i < times; i++) expect((await signIn(agora, email, WRONG)).statusCode).toBe(401);
}

/** The right password is refused with a 429 whose Retry-After is within the lock's window. */
async function expectLocked(agora: TestAgora, email: string) {
  const res = await signIn(agora, email, PASSWORD);
  expect(res.statusCode).toBe(429);
  expect(res.json()).toMatchObject({ code: 'rate_limited', status: 429 });
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(900);
}

async function failureRow(agora: TestAgora, email: string) {
  const { rows } = await sql<{ failures: number; live: boolean }>`
    select failures, window_ends_at > now() as live
    from identity.login_failures where email = ${email}`.execute(agora.rt.database.db);
  return rows[0];
}

async function windowEnd(agora: TestAgora, email: string) {
  const { rows } = await sql<{ ends: Date }>`
    select window_ends_at as ends from identity.login_failures where email = ${email}`.execute(
    agora.rt.database.db,
  );
  return rows[0]?.ends;
}

/** Moves the end of `email`'s window into the past, as if the lock's time had gone by. */
async function endWindow(agora: TestAgora, email: string) {
  await sql`update identity.login_failures set window_ends_at = now() - interval '1 second'
            where email = ${email}`.execute(agora.rt.database.db);
}

/** A hasher that counts its password checks (an unknown email's decoy check included). */
class CountingHasher extends PasswordHasher {
  checks = 0;
  override async verify(hash: string, password: string): Promise<boolean> {
    this.checks++;
    return super.verify(hash, password);
  }
}

describe.each(databaseModes())('sign-in lockout (%s)', (mode) => {
  let agora: TestAgora;
  beforeAll(async () => {
    agora = await startAgora(mode, ENV);
  });
  afterAll(() => agora.close());

  it('locks an account after the allowed failures, even for the right password, until its window ends', async () => {
    const { user } = await registerUser(agora);
    await fail(agora, user.email, 3);
    await expectLocked(agora, user.email.toUpperCase());
    // attempts while locked neither count nor move the window's end
    const before = await windowEnd(agora, user.email);
    expect(before).toBeInstanceOf(Date);
    expect((await signIn(agora, user.email, WRONG)).statusCode).toBe(429);
    expect(await failureRow(agora, user.email)).toEqual({ failures: 3, live: true });
    expect(await windowEnd(agora, user.email)).toEqual(before);

    await endWindow(agora, user.email);
    const res = await signIn(agora, user.email, PASSWORD);
    expect(res.statusCode).toBe(200);
    expect(await failureRow(agora, user.email)).toBeUndefined();
  });

  it('starts a new window with one failure when the old one has ended', async () => {
    const { user } = await registerUser(agora);
    await fail(agora, user.email, 2);
    await endWindow(agora, user.email);
    await fail(agora, user.email, 1);
    expect(await failureRow(agora, user.email)).toEqual({ failures: 1, live: true });
    await fail(agora, user.email, 2);
    await expectLocked(agora, user.email);
  });

  it('counts an unknown email as it counts an account, and answers it alike when locked', async () => {
    const { user } = await registerUser(agora);
    const unknown = uniqueEmail('nobody');
    await fail(agora, unknown, 3);
    await fail(agora, user.email, 3);
    const [a, b] = await Promise.all([signIn(agora, unknown, PASSWORD), signIn(agora, user.email, PASSWORD)]);
    expect([a.statusCode, b.statusCode]).toEqual([429, 429]);
    const strip = (r: typeof a) => ({ ...r.json(), requestId: undefined, detail: undefined });
    expect(strip(a)).toEqual(strip(b));
  });

  it('refuses a locked account before checking its password (a lock costs no hash)', async () => {
    const { user } = await registerUser(agora);
    const identity = await createIdentityModule(agora.rt);
    const hasher = new CountingHasher({ memoryKib: 1024, timeCost: 1 });
    const deps = { ...identity.authDeps, hasher };
    const ctx = { db: agora.rt.database.db, actor: null, requestId: 'test', log: agora.rt.log };
    for (let i = 0; i < 3; i++)
      await expect(login(ctx, deps, { email: user.email, password: WRONG })).rejects.toMatchObject({
        code: 'unauthorized',
      });
    expect(hasher.checks).toBe(3);
    await expect(login(ctx, deps, { email: user.email, password: PASSWORD })).rejects.toMatchObject({
      code: 'rate_limited',
    });
    expect(hasher.checks).toBe(3);
  });

  it('counts every one of concurrent wrong passwords', async () => {
    const { user } = await registerUser(agora);
    // as many as the limit: each reads the count below it, so each checks its password and counts
    const results = await Promise.all([1, 2, 3].map(() => signIn(agora, user.email, WRONG)));
    expect(results.map((r) => r.statusCode)).toEqual([401, 401, 401]);
    expect((await failureRow(agora, user.email))?.failures).toBe(3);
    await expectLocked(agora, user.email);

    // the increment alone, many at once: one statement each, none lost
    const { recordLoginFailure } = await import('./repository.js');
    const email = uniqueEmail('burst');
    const counts = await Promise.all(
      Array.from({ length: 40 }, () => recordLoginFailure(agora.rt.database.db, email, 900)),
    );
    expect(counts.sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect((await failureRow(agora, email))?.failures).toBe(40);
  });

  it('forgets the failures at a successful sign-in, and a sign-in without failures writes nothing', async () => {
    const { user } = await registerUser(agora);
    await fail(agora, user.email, 2);
    expect((await signIn(agora, user.email, PASSWORD)).statusCode).toBe(200);
    expect(await failureRow(agora, user.email)).toBeUndefined();
    await fail(agora, user.email, 2);
    expect((await signIn(agora, user.email, PASSWORD)).statusCode).toBe(200);
    expect((await signIn(agora, user.email, PASSWORD)).statusCode).toBe(200);
    expect(await failureRow(agora, user.email)).toBeUndefined();
  });

  it('sweeps the rows of ended windows with its recurring job, and keeps the live ones', async () => {
    const ended = uniqueEmail('ended');
    const live = uniqueEmail('live');
    await fail(agora, ended, 1);
    await fail(agora, live, 1);
    await endWindow(agora, ended);
    // more than one batch of the sweep's: a spray of unknown emails, long over
    const spray = uniqueEmail('spray');
    const db = agora.rt.database.db;
    await sql`insert into identity.login_failures (email, failures, window_ends_at)
              select i || '-' || ${spray}, 1, now() - i * interval '1 second'
              from generate_series(1, 12000) i`.execute(db);
    await agora.jobs.schedule(db, 'identity.login_failures.sweep', {});
    await agora.jobs.runDue();
    expect(await failureRow(agora, ended)).toBeUndefined();
    expect(await failureRow(agora, live)).toEqual({ failures: 1, live: true });
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from identity.login_failures where window_ends_at <= now()`.execute(db);
    expect(rows[0].n).toBe(0);
  });
});

describe.skipIf(!inject('pgTemplate'))('sign-in lockout across processes (postgres)', () => {
  let a: TestAgora;
  beforeAll(async () => {
    a = await startAgora('postgres', ENV);
  });
  afterAll(() => a.close());

  it('locks an account in every process on the database, and after a restart', async () => {
    const { user } = await registerUser(a);
    const b = await agoraBeside(a, ENV);
    try {
      // the failures of both processes add up
      await fail(a, user.email, 2);
      await fail(b, user.email, 1);
      await expectLocked(a, user.email);
      await expectLocked(b, user.email);
    } finally {
      await b.close();
    }
    const restarted = await agoraBeside(a, ENV);
    try {
      await expectLocked(restarted, user.email);
    } finally {
      await restarted.close();
    }
  });

  it('lets a process sign in once the window has ended, whichever process counted', async () => {
    const { user } = await registerUser(a);
    const b = await agoraBeside(a, ENV);
    try {
      await fail(b, user.email, 3);
      await expectLocked(a, user.email);
      await endWindow(a, user.email);
      expect((await signIn(a, user.email, PASSWORD)).statusCode).toBe(200);
      expect((await signIn(b, user.email, WRONG)).statusCode).toBe(401);
      expect(await failureRow(a, user.email)).toEqual({ failures: 1, live: true });
    } finally {
      await b.close();
    }
  });
});

describe('sign-in lockout after a restart (embedded)', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'agora-lockout-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('keeps an account locked when the process starts again on its data directory', async () => {
    const first = await startEmbeddedAt(dataDir, ENV);
    let email: string;
    try {
      ({
        user: { email },
      } = await registerUser(first));
      await fail(first, email, 3);
      await expectLocked(first, email);
    } finally {
      await first.close();
    }
    const restarted = await startEmbeddedAt(dataDir, ENV);
    try {
      await expectLocked(restarted, email);
    } finally {
      await restarted.close();
    }
  });
});
