import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { databaseModes, startAgora, type TestAgora } from '../../../test/helpers/agora.js';
import { uuidv7 } from '../../platform/ids.js';
import { SandboxProvider } from './sandbox.js';
import { sandboxRecords } from './sandbox-records.js';
import type { AuthorizeRequest } from './service.js';

/** A sandbox that starts with empty memory over the module's records: the provider after a restart. */
describe.each(databaseModes())('the sandbox after a restart (%s)', (mode) => {
  let agora: TestAgora;
  beforeAll(async () => {
    agora = await startAgora(mode);
  });
  afterAll(() => agora.close());

  const db = () => agora.rt.database.db;
  const restarted = () => new SandboxProvider({ slowMs: 100, records: sandboxRecords(db()) });
  const usd = (amount: number) => ({ amount, currency: 'USD' });

  /** A payment authorized (and recorded) by the running app's sandbox. */
  async function authorized(): Promise<{ req: AuthorizeRequest; ref: string }> {
    const service = agora.payments.service;
    const req: AuthorizeRequest = {
      paymentId: uuidv7(),
      orderId: randomUUID(),
      cartId: randomUUID(),
      provider: 'sandbox',
      amount: usd(2_000),
      idempotencyKey: randomUUID(),
      token: 'tok_visa',
    };
    await db()
      .transaction()
      .execute((trx) => service.open(trx, req));
    const outcome = await service.authorize(req);
    if (outcome.kind !== 'authorized') throw new Error(`not authorized: ${outcome.kind}`);
    await db()
      .transaction()
      .execute((trx) => service.recordAuthorization(trx, req.paymentId, outcome));
    return { req, ref: outcome.providerRef };
  }

  const voidOf = (req: AuthorizeRequest, providerRef: string | null) => ({
    providerRef,
    authorizeKey: req.idempotencyKey,
    authorize: { ...req, metadata: { paymentId: req.paymentId, orderId: req.orderId, cartId: req.cartId } },
    idempotencyKey: randomUUID(),
  });

  it('captures and refunds what the sandbox before it authorized, with the same checks', async () => {
    const { req, ref } = await authorized();
    const sandbox = restarted();
    await expect(
      sandbox.capture({ providerRef: `sbx_${randomUUID()}`, amount: usd(1), idempotencyKey: 'c' }),
    ).rejects.toMatchObject({ code: 'resource_missing' });
    await expect(
      sandbox.refund({ providerRef: ref, amount: usd(100), idempotencyKey: randomUUID() }),
    ).rejects.toMatchObject({ code: 'invalid_state' });
    await expect(
      sandbox.capture({ providerRef: ref, amount: usd(2_001), idempotencyKey: 'c' }),
    ).rejects.toMatchObject({ code: 'amount_too_large' });
    await sandbox.capture({ providerRef: ref, amount: usd(2_000), idempotencyKey: 'c' });
    await db()
      .transaction()
      .execute((trx) =>
        agora.payments.service.recordCapture(trx, req.paymentId, { kind: 'captured', attempts: [] }),
      );

    // a refund the module makes (through the app's sandbox) counts for every sandbox after it
    const { refundId } = await db()
      .transaction()
      .execute((trx) =>
        agora.payments.service.requestRefund(trx, {
          paymentId: req.paymentId,
          amount: 1_500,
          reason: 'scratched',
          key: randomUUID(),
        }),
      );
    await agora.payments.service.runRefund({ refundId }, { db: db() });
    expect(await agora.payments.service.get(db(), req.paymentId)).toMatchObject({
      status: 'partially_refunded',
      refunded: usd(1_500),
    });

    const later = restarted();
    await expect(later.void(voidOf(req, ref))).rejects.toMatchObject({ code: 'invalid_state' });
    await expect(
      later.refund({ providerRef: ref, amount: usd(501), idempotencyKey: randomUUID() }),
    ).rejects.toMatchObject({ code: 'amount_too_large' });
    // the refund's key answers that refund, not a second one
    const first = (await later.refund({ providerRef: ref, amount: usd(1_500), idempotencyKey: refundId }))
      .refundRef;
    expect(first).toMatch(/^sbx_re_/);
    const key = randomUUID();
    const rest = await later.refund({ providerRef: ref, amount: usd(500), idempotencyKey: key });
    expect(await later.refund({ providerRef: ref, amount: usd(500), idempotencyKey: key })).toEqual(rest);
    expect(later.inspect(ref)).toMatchObject({ status: 'captured', captured: 2_000, refunded: 2_000 });
  });

  it('voids an authorization the sandbox before it made, found by its reference or its key', async () => {
    for (const byKey of [false, true]) {
      const { req, ref } = await authorized();
      const sandbox = restarted();
      await sandbox.void(voidOf(req, byKey ? null : ref));
      expect(sandbox.inspect(ref)).toMatchObject({ status: 'voided', amount: 2_000 });
      await expect(
        sandbox.capture({ providerRef: ref, amount: usd(2_000), idempotencyKey: 'c' }),
      ).rejects.toMatchObject({ code: 'invalid_state' });
    }
  });

  it('replays of one refund at once pay back once', async () => {
    const { req, ref } = await authorized();
    const sandbox = restarted();
    await sandbox.capture({ providerRef: ref, amount: usd(2_000), idempotencyKey: 'c' });
    await db()
      .transaction()
      .execute((trx) =>
        agora.payments.service.recordCapture(trx, req.paymentId, { kind: 'captured', attempts: [] }),
      );
    const refund = { providerRef: ref, amount: usd(1_500), idempotencyKey: randomUUID() };
    const answers = await Promise.all([
      sandbox.refund(refund),
      sandbox.refund(refund),
      sandbox.refund(refund),
    ]);
    expect(new Set(answers.map((a) => a.refundRef)).size).toBe(1);
    expect(sandbox.inspect(ref)).toMatchObject({ refunded: 1_500 });
    await expect(
      sandbox.refund({ providerRef: ref, amount: usd(501), idempotencyKey: randomUUID() }),
    ).rejects.toMatchObject({ code: 'amount_too_large' });
  });
});
