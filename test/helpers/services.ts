import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Where the test suite finds the machine's real services. */
export const TEST_PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/15';
export const TEST_AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export const adminUrl = () => TEST_PG_URL;

export function withDatabase(name: string): string {
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs `statement` on the server's maintenance database (creating and dropping databases). */
async function onServer(statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

/**
 * A new PostgreSQL database named `<prefix>_<random>`, empty or a copy of `template`: its URL, and
 * how to drop it.
 */
export async function scratchDatabase(
  prefix: string,
  template?: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await onServer(`create database ${name}${template ? ` template ${template}` : ''}`);
  return { url: withDatabase(name), drop: () => onServer(`drop database if exists ${name} with (force)`) };
}
