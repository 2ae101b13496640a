import { AppError } from '../../../platform/errors.js';
import { collectEvents } from '../../../platform/events/outbox.js';
import * as sagas from './saga-repository.js';
import {
  LeaseLostError,
  type LocalStep,
  type RemoteStep,
  type SagaState,
  type Step,
  type StepCtx,
  type Trx,
  type Verdict,
} from './types.js';

export type DriveResult =
  | { kind: 'completed' }
  /** Waiting for the provider (3-D Secure): the order is pending. */
  | { kind: 'parked' }
  /** Confirmed, but a later step must wait for an outage to pass; recovery finishes it. */
  | { kind: 'deferred' };

/** The saga was new and its cart already has a live saga. */
export class SagaExistsError extends Error {
  constructor() {
    super('the cart already has a live checkout saga');
  }
}

/**
 * Drives a saga forward from its persisted cursor.
 *
 * Consecutive local steps run in one transaction together with the recorded answer of the
 * remote step before them, and the saga's cursor is saved in that same transaction: each step's
 * progress is durable exactly when its effects are, and a checkout costs one commit per remote
 * call instead of one per step. Remote calls (payment provider) hold no transaction.
 *
 * - A local step's AppError (out of stock, ...) rolls its segment back and compensates the steps
 *   already committed, then is rethrown as the answer.
 * - A remote step's verdict `fail` compensates in the transaction that records the answer.
 * - Any other error is a fault, like a crash: nothing is compensated here; the saga keeps its
 *   lease and the recovery job resumes it once the lease lapses.
 *
 * @throws AppError (the checkout failed and was compensated), SagaExistsError, or a fault
 */
export async function drive(
  steps: readonly Step[],
  ctx: StepCtx,
  opts: { isNew: boolean },
): Promise<DriveResult> {
  const { deps, saga } = ctx;
  let next = saga.step === '' ? 0 : steps.findIndex((s) => s.name === saga.step) + 1;
  let pending: { step: RemoteStep; result: unknown } | null = null;
  let insert = opts.isNew;
  for (;;) {
    let verdict = { kind: 'ok' } as Verdict;
    let end = next;
    // the state as it is saved (JSON): cheaper to take than a structured clone, parsed only on failure
    const before = { step: saga.step, status: saga.status, state: JSON.stringify(saga.state) };
    try {
      // The events the segment publishes ride along with its last statement, the cursor's save.
      await deps.db.transaction().execute((trx) =>
        collectEvents(trx, async () => {
          if (insert && !(await sagas.insertSaga(trx, saga, deps.leaseMs))) throw new SagaExistsError();
          if (pending) {
            verdict = await pending.step.apply(ctx, trx, pending.result);
            if (verdict.kind === 'fail') return compensate(steps, ctx, trx, pending.step.name, verdict.error);
            if (verdict.kind === 'park') {
              saga.status = 'awaiting_payment';
              return sagas.persist(trx, saga, { leaseMs: deps.paymentTtlMs });
            }
            if (verdict.kind === 'defer') return sagas.persist(trx, saga, { leaseMs: deps.leaseMs });
            saga.step = pending.step.name;
            await deps.afterStep?.(saga.step, saga);
          }
          for (; end < steps.length && !steps[end].remote; end++) {
            const step = steps[end] as LocalStep;
            await step.run(ctx, trx);
            saga.step = step.name;
            await deps.afterStep?.(saga.step, saga);
          }
          if (end === steps.length) {
            saga.status = 'completed';
            await ctx.onCompleted?.(trx);
          }
          await sagas.persist(trx, saga, { leaseMs: deps.leaseMs, finished: end === steps.length });
        }),
      );
    } catch (err) {
      // The segment rolled back: so does what its steps noted in memory.
      Object.assign(saga, {
        step: before.step,
        status: before.status,
        state: JSON.parse(before.state) as SagaState,
      });
      if (err instanceof AppError && !insert) {
        // A local step refused: undo what earlier segments committed.
        await deps.db
          .transaction()
          .execute((trx) => collectEvents(trx, () => compensate(steps, ctx, trx, saga.step, err)));
      }
      throw err;
    }
    insert = false;
    if (verdict.kind === 'fail') throw verdict.error;
    if (verdict.kind === 'park') return { kind: 'parked' };
    if (verdict.kind === 'defer') return { kind: 'deferred' };
    if (end === steps.length) return { kind: 'completed' };
    const step = steps[end] as RemoteStep;
    pending = { step, result: await step.call(ctx) };
    next = end + 1;
  }
}

/**
 * Runs the compensations of every step up to `through` (inclusive), newest first, in `trx`, and
 * marks the saga failed with the error that caused it. Each compensation is idempotent, so a
 * compensation interrupted by a crash is simply run again by recovery.
 */
export async function compensate(
  steps: readonly Step[],
  ctx: StepCtx,
  trx: Trx,
  through: string,
  error: AppError,
): Promise<void> {
  const { saga, deps } = ctx;
  const last = steps.findIndex((s) => s.name === through);
  for (let i = last; i >= 0; i--) await steps[i].compensate(ctx, trx);
  saga.status = 'failed';
  await sagas.persist(trx, saga, {
    leaseMs: deps.leaseMs,
    finished: true,
    error: { code: error.code, message: error.message },
  });
}

export { LeaseLostError };
