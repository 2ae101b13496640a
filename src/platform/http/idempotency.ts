import { sql } from 'kysely';
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { AnyDb } from '../db.js';
import { AppError, ConflictError } from '../errors.js';
import { problemOf } from './problem.js';

/** An answer as it is stored and replayed: status and the exact body bytes. */
export interface StoredResponse {
  status: number;
  /** The serialized body, replayed byte for byte. */
  body: string;
}

export interface IdempotencyOptions {
  /** How long the first request owns a key; after that (its process died) a retry may take over. */
  leaseMs: number;
  /** How long a concurrent duplicate waits for the first request's answer before a 409. */
  waitMs: number;
}

export class IdempotencyKeyReusedError extends AppError {
  constructor() {
    super(
      'idempotency_key_reused',
      'This Idempotency-Key was already used with a different request; use a new key for a new request',
    );
  }
}

/** A stable hash of what makes two requests "the same": the operation and its canonical body. */
export function requestHash(operation: string, body: unknown): string {
  return createHash('sha256').update(operation).update('\n').update(canonicalJson(body)).digest('hex');
}

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` hash alike. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * Lets the work store its answer in its own last transaction, so the answer commits with the
 * effects (one commit fewer) instead of after them.
 */
export interface AnswerClaim {
  /**
   * Records `response` as the key's answer in `trx`. Return the same object from the work so the
   * store does not write it again; the answer counts only if `trx` commits (a work that fails after
   * a rollback throws, and the key is forgotten as usual).
   */
  storeIn(trx: AnyDb, response: StoredResponse): Promise<void>;
}

interface KeyRow {
  request_hash: string;
  state: 'in_progress' | 'done';
  response_status: number | null;
  response_body: string | null;
  expired: boolean;
}

/**
 * Runs each (scope, key) once and answers every repetition with the stored answer.
 *
 * - The first request inserts the row (`INSERT ... ON CONFLICT DO NOTHING`), runs, and stores its
 *   answer. Domain outcomes (a 409, a 402) are answers like any other and are stored.
 * - A concurrent duplicate polls (10 ms growing to 100 ms) until the answer is stored, then
 *   returns it; past `waitMs` it gets a 409 `conflict` it may retry.
 * - The same key with another request hash is a 422 `idempotency_key_reused`.
 * - When the work throws (a fault, not an answer), the row is deleted so a retry runs again; a
 *   process that died leaves a leased row that a retry takes over once `leaseMs` has passed.
 */
const JSON_TYPE = 'application/json; charset=utf-8';
const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';

/**
 * A refusal as the request's stored answer: an AppError other than `internal` (404, 409, 402, ...)
 * becomes its problem+json, replayed like a success. Anything else is rethrown: the key is then
 * released and a retry runs again.
 */
export function storedRefusal(err: unknown, requestId: string): StoredResponse {
  if (err instanceof AppError && err.code !== 'internal') {
    const problem = problemOf(err, requestId);
    return { status: problem.status, body: JSON.stringify(problem) };
  }
  throw err;
}

/**
 * Sends a stored answer as it is: its status and bytes (Fastify sends a string with a JSON content
 * type unchanged), JSON or problem+json, and `idempotent-replayed: true` on a repetition.
 */
export function sendStored(
  reply: FastifyReply,
  answer: StoredResponse & { replayed: boolean },
): FastifyReply {
  if (answer.replayed) reply.header('idempotent-replayed', 'true');
  return reply
    .code(answer.status)
    .type(answer.status >= 400 ? PROBLEM_TYPE : JSON_TYPE)
    .send(answer.body);
}

export class IdempotencyStore {
  constructor(
    private readonly db: AnyDb,
    private readonly opts: IdempotencyOptions,
  ) {}

  /** @throws IdempotencyKeyReusedError, ConflictError (still in progress after `waitMs`) */
  async execute(
    input: { scope: string; key: string; requestHash: string },
    work: (claim: AnswerClaim) => Promise<StoredResponse>,
  ): Promise<StoredResponse & { replayed: boolean }> {
    const owner = randomUUID();
    const deadline = Date.now() + this.opts.waitMs;
    let pause = 10;
    for (;;) {
      const { rows: inserted } = await sql<{ ok: number }>`
        insert into platform.idempotency_keys (scope, key, request_hash, state, owner, locked_until)
        values (${input.scope}, ${input.key}, ${input.requestHash}, 'in_progress', ${owner},
                now() + ${this.opts.leaseMs} * interval '1 millisecond')
        on conflict (scope, key) do nothing
        returning 1 as ok`.execute(this.db);
      if (inserted.length > 0) return this.run(input, owner, work);

      const { rows } = await sql<KeyRow>`
        select request_hash, state, response_status, response_body,
               (state = 'in_progress' and locked_until < now()) as expired
          from platform.idempotency_keys
         where scope = ${input.scope} and key = ${input.key}`.execute(this.db);
      const row = rows[0];
      if (row) {
        if (row.request_hash !== input.requestHash) throw new IdempotencyKeyReusedError();
        if (row.state === 'done')
          return { status: row.response_status!, body: row.response_body!, replayed: true };
        if (row.expired) {
          const { rows: taken } = await sql<{ ok: number }>`
            update platform.idempotency_keys
               set owner = ${owner}, locked_until = now() + ${this.opts.leaseMs} * interval '1 millisecond'
             where scope = ${input.scope} and key = ${input.key}
               and state = 'in_progress' and locked_until < now()
            returning 1 as ok`.execute(this.db);
          if (taken.length > 0) return this.run(input, owner, work);
        }
      }
      if (Date.now() > deadline)
        throw new ConflictError(
          'A request with this Idempotency-Key is still being processed; retry shortly',
          {
            retryAfter: 1,
          },
        );
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(100, pause * 2);
    }
  }

  private async run(
    input: { scope: string; key: string },
    owner: string,
    work: (claim: AnswerClaim) => Promise<StoredResponse>,
  ): Promise<StoredResponse & { replayed: boolean }> {
    let response: StoredResponse;
    let stored: StoredResponse | null = null;
    const claim: AnswerClaim = {
      storeIn: async (trx, answer) => {
        const { rows } = await this.storeAnswer(trx, input, owner, answer);
        if (rows.length > 0) stored = answer;
      },
    };
    try {
      response = await work(claim);
    } catch (err) {
      await sql`
        delete from platform.idempotency_keys
         where scope = ${input.scope} and key = ${input.key} and owner = ${owner} and state = 'in_progress'`
        .execute(this.db)
        .catch(() => undefined);
      throw err;
    }
    if (stored !== response) await this.storeAnswer(this.db, input, owner, response);
    return { ...response, replayed: false };
  }

  /** Stored only while we still own the key: a takeover after a lapsed lease answers for itself. */
  private storeAnswer(
    db: AnyDb,
    input: { scope: string; key: string },
    owner: string,
    response: StoredResponse,
  ) {
    return sql<{ ok: number }>`
      update platform.idempotency_keys
         set state = 'done', response_status = ${response.status}, response_body = ${response.body},
             finished_at = now(), locked_until = null
       where scope = ${input.scope} and key = ${input.key} and owner = ${owner}
      returning 1 as ok`.execute(db);
  }
}
