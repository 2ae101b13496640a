import { sql, type Kysely } from 'kysely';

/**
 * `platform.expect(ok, what)`: true when `ok` is true, else raises SQLSTATE AG001 with message
 * `what` (`EXPECTATION_FAILED` in db.ts). A statement that must fail when it finds the database
 * other than it expects (a lease lost, a row gone) checks it itself, so its transaction can
 * commit right behind it without waiting for its answer (`lastInTransaction`). Volatile, so the
 * planner never evaluates it ahead of its rows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function platform.expect(ok boolean, what text) returns boolean
    language plpgsql volatile as $$
    begin
      if ok is not true then
        raise exception using errcode = 'AG001', message = what;
      end if;
      return true;
    end $$`.execute(db);
}
