import { CompiledQuery, type Kysely } from 'kysely';

// db.ts imports this file: its AnyDb is spelled out here rather than imported
type AnyDb = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The text of a statement that stands for several (`pipelined`); its one parameter lists them. */
export const PIPELINED = '/* agora: pipelined */';

/** A statement `pipelined` can send: a query builder or a raw `sql` statement. */
export interface Compilable {
  compile(db: AnyDb): CompiledQuery;
}

export interface PipelinedStatement {
  sql: string;
  parameters: readonly unknown[];
}

/**
 * Runs `statements` in order in `trx`, on PostgreSQL all sent in one write and answered in one
 * round trip, and returns each one's rows. They run as separate statements, each with its own
 * snapshot, exactly as if sent one after another; but none waits for the answer of the one
 * before, so use it for statements whose texts do not depend on each other's answers. An error
 * rejects with the first failing statement's error; the rest run in an aborted transaction and
 * do nothing. Kysely runs a transaction's statements one at a time, so the batch travels as one
 * statement whose parameter lists the others (`PIPELINED`); the PostgreSQL connection
 * (`db.ts`) and the PGlite one (`pglite-dialect.ts`, one after another) take it apart.
 */
export async function pipelined<R = Record<string, unknown>>(
  trx: AnyDb,
  statements: Compilable[],
): Promise<R[][]> {
  if (statements.length === 0) return [];
  const compiled: PipelinedStatement[] = statements.map((s) => {
    // a raw `sql` statement compiles against `trx`; a query builder ignores it
    const c = s.compile(trx);
    return { sql: c.sql, parameters: c.parameters };
  });
  const { rows } = await trx.executeQuery<R[]>(CompiledQuery.raw(PIPELINED, [compiled]));
  return rows;
}

/** The statements a `PIPELINED` statement stands for, or undefined for any other. */
export function pipelinedStatements(text: string, values: unknown): PipelinedStatement[] | undefined {
  if (text !== PIPELINED) return undefined;
  return (values as [PipelinedStatement[]])[0];
}
