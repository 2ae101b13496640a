import { sql, type QueryCreator, type Selectable, type Transaction } from 'kysely';
import { scoped, type AnyDb } from '../../platform/db.js';
import { prepared, preparedForms } from '../../platform/prepared.js';
import { sourcesOf } from '../../platform/state-machine.js';
import type { Attempt } from './gateway.js';
import type { ProviderName } from './provider.js';
import { PAYMENT_TRANSITIONS } from './state.js';
import type { PaymentStatus, PaymentsTables } from './tables.js';

type Trx = Transaction<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const db = (d: AnyDb) => scoped<PaymentsTables>(d);

export type PaymentRow = Selectable<PaymentsTables['payments.payments']>;

const PAYMENT_COLUMNS = [
  'id',
  'order_id',
  'cart_id',
  'requested_provider',
  'provider',
  'provider_ref',
  'status',
  'amount',
  'currency',
  'captured_amount',
  'refunded_amount',
  'idempotency_key',
  'token',
  'failure_code',
  'created_at',
  'updated_at',
] as const;

export interface NewPayment {
  id: string;
  orderId: string;
  cartId: string;
  provider: ProviderName;
  amount: number;
  currency: string;
  idempotencyKey: string;
  token: string;
}

const insertPaymentRow = prepared((d, v: NewPayment) =>
  db(d)
    .insertInto('payments.payments')
    .values({
      id: v.id,
      order_id: v.orderId,
      cart_id: v.cartId,
      requested_provider: v.provider,
      provider: v.provider,
      provider_ref: null,
      status: 'pending',
      amount: v.amount,
      currency: v.currency,
      idempotency_key: v.idempotencyKey,
      token: v.token,
      failure_code: null,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing()),
);

export async function insertPayment(trx: Trx, p: NewPayment): Promise<void> {
  await insertPaymentRow.run(trx, p);
}

export async function findPayment(d: AnyDb, id: string): Promise<PaymentRow | undefined> {
  return db(d)
    .selectFrom('payments.payments')
    .select(PAYMENT_COLUMNS)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findByProviderRef(
  d: AnyDb,
  provider: ProviderName,
  ref: string,
): Promise<PaymentRow | undefined> {
  return db(d)
    .selectFrom('payments.payments')
    .select(PAYMENT_COLUMNS)
    .where('provider', '=', provider)
    .where('provider_ref', '=', ref)
    .executeTakeFirst();
}

/** Provider attempts as one array per column: any number of them fits one statement text. */
interface AttemptColumns {
  providers: string[];
  operations: string[];
  keys: string[];
  outcomes: string[];
  errors: (string | null)[];
  durations: number[];
}

function attemptColumns(attempts: Attempt[]): AttemptColumns {
  return {
    providers: attempts.map((a) => a.provider),
    operations: attempts.map((a) => a.operation),
    keys: attempts.map((a) => a.idempotencyKey),
    outcomes: attempts.map((a) => a.outcome),
    errors: attempts.map((a) => a.error),
    durations: attempts.map((a) => a.durationMs),
  };
}

/** The insert of a payment's provider attempts, as a statement or a CTE: one text for any number. */
const insertAttemptRows = (q: QueryCreator<PaymentsTables>, paymentId: string, a: AttemptColumns) =>
  q
    .insertInto('payments.attempts')
    .columns(['payment_id', 'provider', 'operation', 'idempotency_key', 'outcome', 'error', 'duration_ms'])
    .expression(
      sql`select ${paymentId}::uuid, * from unnest(${a.providers}::text[], ${a.operations}::text[],
            ${a.keys}::text[], ${a.outcomes}::text[], ${a.errors}::text[], ${a.durations}::int[])`,
    );

/**
 * The query creator for a payment's statement, with the provider attempts to record inserted by
 * the same statement (a data-modifying CTE): one round trip instead of two. The attempts are
 * recorded whether or not the statement's own condition holds, as a separate insert would be.
 */
function withAttempts(d: AnyDb, paymentId: string, a: AttemptColumns): QueryCreator<PaymentsTables> {
  // the statement never reads the CTE's name, so the creator keeps the module's table types
  return db(d).with('recorded_attempts', (q) =>
    insertAttemptRows(q, paymentId, a),
  ) as unknown as QueryCreator<PaymentsTables>;
}

type PaymentChange = Partial<{
  provider: ProviderName;
  provider_ref: string | null;
  failure_code: string | null;
  captured_amount: number;
  token: string | null;
}>;

/** The values of a payment statement: the payment, its attempts, and the columns a transition sets. */
type PaymentValues = { id: string } & AttemptColumns & PaymentChange;

/** A transition's text depends on its target, the columns it sets and whether it records attempts. */
const transitionStatement = preparedForms((form: string) => {
  const [to, columns, recorded] = form.split('|') as [PaymentStatus, string, string];
  const changed = (columns ? columns.split(',') : []) as (keyof PaymentChange)[];
  return (d: AnyDb, v: PaymentValues) =>
    (recorded ? withAttempts(d, v.id, v) : db(d))
      .updateTable('payments.payments')
      .set({ ...Object.fromEntries(changed.map((c) => [c, v[c]])), status: to, updated_at: sql<Date>`now()` })
      .where('id', '=', v.id)
      .where('status', 'in', sourcesOf(PAYMENT_TRANSITIONS, to))
      .returning(PAYMENT_COLUMNS);
});

/**
 * Moves a payment to `to` when the transition table allows it (one conditional UPDATE), recording
 * the provider `attempts` that led there in the same statement. Undefined when it does not apply.
 */
export async function transition(
  trx: AnyDb,
  id: string,
  to: PaymentStatus,
  set: PaymentChange = {},
  attempts: Attempt[] = [],
): Promise<PaymentRow | undefined> {
  const columns = (Object.keys(set) as (keyof PaymentChange)[]).filter((c) => set[c] !== undefined).sort();
  return transitionStatement(
    `${to}|${columns.join(',')}|${attempts.length > 0 ? 'recorded' : ''}`,
  ).executeTakeFirst(trx, { id, ...set, ...attemptColumns(attempts) });
}

const captureStatement = preparedForms(
  (recorded: '' | 'recorded') => (d: AnyDb, v: PaymentValues) =>
    (recorded ? withAttempts(d, v.id, v) : db(d))
      .updateTable('payments.payments')
      .set((eb) => ({ status: 'captured', captured_amount: eb.ref('amount'), updated_at: sql<Date>`now()` }))
      .where('id', '=', v.id)
      .where('status', 'in', sourcesOf(PAYMENT_TRANSITIONS, 'captured'))
      .returning(PAYMENT_COLUMNS),
);

/** authorized → captured, for the whole authorized amount, recording `attempts` alongside. */
export async function capture(
  trx: AnyDb,
  id: string,
  attempts: Attempt[] = [],
): Promise<PaymentRow | undefined> {
  return captureStatement(attempts.length > 0 ? 'recorded' : '').executeTakeFirst(trx, {
    id,
    ...attemptColumns(attempts),
  });
}

const insertAttemptsStatement = prepared((d, v: { id: string } & AttemptColumns) =>
  insertAttemptRows(db(d), v.id, v),
);

export async function insertAttempts(trx: AnyDb, paymentId: string, attempts: Attempt[]): Promise<void> {
  if (attempts.length === 0) return;
  await insertAttemptsStatement.run(trx, { id: paymentId, ...attemptColumns(attempts) });
}

export async function attemptsOf(d: AnyDb, paymentId: string) {
  return db(d)
    .selectFrom('payments.attempts')
    .select(['provider', 'operation', 'idempotency_key', 'outcome', 'error', 'duration_ms', 'at'])
    .where('payment_id', '=', paymentId)
    .orderBy('id')
    .execute();
}

/**
 * Reserves `amount` of the captured money for a refund, in one conditional UPDATE (two concurrent
 * refunds cannot together exceed what was captured). Undefined when it would.
 */
export async function reserveRefund(trx: Trx, paymentId: string, amount: number) {
  const { rows } = await sql<{
    id: string;
    status: PaymentStatus;
    refunded_amount: number;
    currency: string;
  }>`
    update payments.payments
       set refunded_amount = refunded_amount + ${amount},
           status = case when refunded_amount + ${amount} = captured_amount then 'refunded' else 'partially_refunded' end,
           updated_at = now()
     where id = ${paymentId}
       and status in ('captured', 'partially_refunded')
       and refunded_amount + ${amount} <= captured_amount
    returning id, status, refunded_amount, currency`.execute(trx);
  return rows[0];
}

/** Gives back a reservation whose refund the provider refused for good. */
export async function unreserveRefund(trx: AnyDb, paymentId: string, amount: number): Promise<void> {
  await sql`
    update payments.payments
       set refunded_amount = refunded_amount - ${amount},
           status = case when refunded_amount - ${amount} = 0 then 'captured' else 'partially_refunded' end,
           updated_at = now()
     where id = ${paymentId} and refunded_amount >= ${amount}`.execute(trx);
}

export async function insertRefund(
  trx: Trx,
  r: { id: string; paymentId: string; key: string; amount: number; currency: string; reason: string },
): Promise<boolean> {
  const inserted = await db(trx)
    .insertInto('payments.refunds')
    .values({
      id: r.id,
      payment_id: r.paymentId,
      key: r.key,
      amount: r.amount,
      currency: r.currency,
      reason: r.reason,
      status: 'pending',
      provider_ref: null,
      error: null,
      finished_at: null,
    })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function findRefundByKey(d: AnyDb, key: string) {
  return db(d)
    .selectFrom('payments.refunds')
    .select(['id', 'payment_id', 'key', 'amount', 'currency', 'reason', 'status', 'provider_ref'])
    .where('key', '=', key)
    .executeTakeFirst();
}

export async function findRefund(d: AnyDb, id: string) {
  return db(d)
    .selectFrom('payments.refunds')
    .select(['id', 'payment_id', 'key', 'amount', 'currency', 'reason', 'status', 'provider_ref'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function finishRefund(
  trx: AnyDb,
  id: string,
  status: 'succeeded' | 'failed',
  set: { providerRef?: string; error?: string },
): Promise<boolean> {
  const updated = await db(trx)
    .updateTable('payments.refunds')
    .set({ status, provider_ref: set.providerRef ?? null, error: set.error ?? null, finished_at: new Date() })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returning('id')
    .executeTakeFirst();
  return updated !== undefined;
}

export async function refundsOf(d: AnyDb, paymentIds: string[]) {
  if (paymentIds.length === 0) return [];
  return db(d)
    .selectFrom('payments.refunds')
    .select(['id', 'payment_id', 'amount', 'currency', 'reason', 'status', 'created_at'])
    .where('payment_id', 'in', paymentIds)
    .orderBy('created_at')
    .execute();
}

/** Records a provider event id; false when it was already applied. */
export async function recordWebhookEvent(
  trx: Trx,
  e: { provider: ProviderName; eventId: string; type: string; paymentId: string | null },
): Promise<boolean> {
  const inserted = await db(trx)
    .insertInto('payments.webhook_events')
    .values({ provider: e.provider, event_id: e.eventId, type: e.type, payment_id: e.paymentId })
    .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing())
    .returning('event_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** The status of the payment whose authorization was sent with `key`. */
export async function statusByIdempotencyKey(d: AnyDb, key: string): Promise<PaymentStatus | undefined> {
  const row = await db(d)
    .selectFrom('payments.payments')
    .select('status')
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
  return row?.status;
}

/** A payment's refunds the provider paid back (a refund's id is its idempotency key there). */
export async function succeededRefundsOf(d: AnyDb, paymentId: string) {
  return db(d)
    .selectFrom('payments.refunds')
    .select(['id', 'amount', 'provider_ref'])
    .where('payment_id', '=', paymentId)
    .where('status', '=', 'succeeded')
    .execute();
}
