import { sql } from 'kysely';
import { isExpectationFailed, lastInTransaction, scoped, type AnyDb } from '../../../platform/db.js';
import { collectedEventsCte } from '../../../platform/events/outbox.js';
import type { OrdersTables, SagaStatus } from '../tables.js';
import { LeaseLostError, type SagaRecord, type Trx } from './types.js';

const db = (d: AnyDb) => scoped<OrdersTables>(d);

interface SagaRow {
  id: string;
  cart_id: string;
  user_id: string;
  order_id: string;
  idempotency_key: string;
  status: SagaStatus;
  step: string;
  state: unknown;
  input: unknown;
  attempts: number;
  lease_owner: string | null;
}

const COLUMNS = sql`id, cart_id, user_id, order_id, idempotency_key, status, step, state, input, attempts, lease_owner`;

const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as never;

export function recordOf(r: SagaRow): SagaRecord {
  return {
    id: r.id,
    cartId: r.cart_id,
    userId: r.user_id,
    orderId: r.order_id,
    idempotencyKey: r.idempotency_key,
    status: r.status,
    step: r.step as SagaRecord['step'],
    state: json(r.state),
    input: json(r.input),
    attempts: r.attempts,
    leaseOwner: r.lease_owner ?? '',
  };
}

/** Inserts the cart's live saga, leased; false when the cart already has one (not failed). */
export async function insertSaga(trx: Trx, s: SagaRecord, leaseMs: number): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`
    insert into orders.sagas (id, cart_id, user_id, order_id, idempotency_key, status, step, state, input,
                              lease_owner, locked_until)
    values (${s.id}, ${s.cartId}, ${s.userId}, ${s.orderId}, ${s.idempotencyKey}, 'running', '',
            ${JSON.stringify(s.state)}, ${JSON.stringify(s.input)}, ${s.leaseOwner},
            now() + ${leaseMs} * interval '1 millisecond')
    on conflict (cart_id) where status <> 'failed' do nothing
    returning id`.execute(trx);
  return rows.length > 0;
}

export async function liveSagaOfCart(d: AnyDb, cartId: string): Promise<SagaRecord | undefined> {
  const { rows } = await sql<SagaRow>`
    select ${COLUMNS} from orders.sagas where cart_id = ${cartId} and status <> 'failed'`.execute(d);
  return rows[0] ? recordOf(rows[0]) : undefined;
}

/** `platform.expect`'s failure when the saga's lease is no longer ours. */
const LEASE_LOST = 'saga_lease_lost';

/**
 * Saves the saga's progress with the effects of its steps (same transaction), extends the lease,
 * and proves the lease is still ours: the last statement of the transaction, which commits with
 * it (`lastInTransaction`), so the lease is checked in SQL. @throws LeaseLostError
 */
export async function persist(
  trx: Trx,
  s: SagaRecord,
  opts: { leaseMs: number; finished?: boolean; error?: { code: string; message: string } | null },
): Promise<void> {
  // the events the transaction published, when it collects them, are written by this statement
  const saved = sql`saved as (
    update orders.sagas
       set status = ${s.status}, step = ${s.step}, state = ${JSON.stringify(s.state)},
           error = ${opts.error ? JSON.stringify(opts.error) : null},
           locked_until = now() + ${opts.leaseMs} * interval '1 millisecond',
           finished_at = ${opts.finished ? sql`now()` : sql`null`},
           updated_at = now()
     where id = ${s.id} and lease_owner = ${s.leaseOwner}
    returning id)`;
  try {
    await lastInTransaction(sql`
      ${collectedEventsCte(trx, [saved])}select platform.expect(exists (select 1 from saved), ${LEASE_LOST})`).execute(
      trx,
    );
  } catch (err) {
    if (isExpectationFailed(err, LEASE_LOST)) throw new LeaseLostError();
    throw err;
  }
}

/**
 * Takes the lease of a cart's live saga for a webhook-triggered resume: a parked saga (waiting
 * for its payment) at once, a running one only when its lease lapsed.
 */
export async function takeForResume(
  d: AnyDb,
  cartId: string,
  owner: string,
  leaseMs: number,
): Promise<SagaRecord | 'busy' | undefined> {
  const { rows } = await sql<SagaRow>`
    update orders.sagas
       set lease_owner = ${owner}, locked_until = now() + ${leaseMs} * interval '1 millisecond',
           status = case when status = 'awaiting_payment' then 'running' else status end,
           updated_at = now()
     where cart_id = ${cartId}
       and (status = 'awaiting_payment' or (status = 'running' and locked_until < now()))
    returning ${COLUMNS}`.execute(d);
  if (rows[0]) return recordOf(rows[0]);
  const live = await liveSagaOfCart(d, cartId);
  return live?.status === 'running' ? 'busy' : undefined;
}

/**
 * Takes over, in the caller's transaction, the saga of `orderId` that waits for its customer's
 * payment action (3-D Secure), for the buyer's cancel. The same conditional UPDATE as a resume's
 * (`takeForResume`): of a cancel, a webhook-triggered resume and recovery, exactly one takes a
 * parked saga; one that is being driven (`running`) is left to its driver. Undefined when the
 * saga is not parked.
 */
export async function takeParked(
  trx: Trx,
  cartId: string,
  orderId: string,
  owner: string,
  leaseMs: number,
): Promise<SagaRecord | undefined> {
  const { rows } = await sql<SagaRow>`
    update orders.sagas
       set lease_owner = ${owner}, locked_until = now() + ${leaseMs} * interval '1 millisecond',
           status = 'running', updated_at = now()
     where cart_id = ${cartId} and order_id = ${orderId} and status = 'awaiting_payment'
    returning ${COLUMNS}`.execute(trx);
  return rows[0] ? recordOf(rows[0]) : undefined;
}

/** The client secret of the payment a cart's live saga waits for (3-D Secure), if any. */
export async function clientSecretOf(d: AnyDb, cartId: string, orderId: string): Promise<string | null> {
  const { rows } = await sql<{ client_secret: string | null }>`
    select state->>'clientSecret' as client_secret from orders.sagas
     where cart_id = ${cartId} and order_id = ${orderId} and status in ('awaiting_payment', 'running')`.execute(
    d,
  );
  return rows[0]?.client_secret ?? null;
}

/**
 * Claims sagas nobody drives: running past their lease, or waiting for a
 * payment past its time. Each claim counts an attempt.
 */
export async function claimStuck(
  d: AnyDb,
  owner: string,
  leaseMs: number,
  limit: number,
): Promise<(SagaRecord & { wasAwaiting: boolean })[]> {
  const { rows } = await sql<SagaRow & { was_awaiting: boolean }>`
    with stuck as (
      select id, status = 'awaiting_payment' as was_awaiting from orders.sagas
       where status in ('running', 'awaiting_payment') and locked_until < now()
       order by locked_until
       limit ${limit}
       for update skip locked)
    update orders.sagas s
       set lease_owner = ${owner}, locked_until = now() + ${leaseMs} * interval '1 millisecond',
           attempts = s.attempts + 1,
           status = case when s.status = 'awaiting_payment' then 'running' else s.status end,
           updated_at = now()
      from stuck
     where s.id = stuck.id
    returning s.id, s.cart_id, s.user_id, s.order_id, s.idempotency_key, s.status, s.step, s.state, s.input,
              s.attempts, s.lease_owner, stuck.was_awaiting`.execute(d);
  return rows.map((r) => ({ ...recordOf(r), wasAwaiting: r.was_awaiting }));
}

export async function sagaOfOrder(d: AnyDb, orderId: string, lock = false) {
  let q = db(d)
    .selectFrom('orders.sagas')
    .select(['id', 'status', 'step', 'cart_id'])
    .where('order_id', '=', orderId);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** Retention: finished sagas older than `days` (their orders keep the history). */
export async function pruneFinished(d: AnyDb, days: number): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    with d as (delete from orders.sagas
                where finished_at is not null and finished_at < now() - ${days} * interval '1 day'
               returning 1)
    select count(*)::int as n from d`.execute(d);
  return rows[0]?.n ?? 0;
}
