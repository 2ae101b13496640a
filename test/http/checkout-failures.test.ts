import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { databaseModes, startAgora, type TestAgora } from '../helpers/agora.js';
import { FAST_ENV } from '../helpers/catalog.js';
import { marketplace } from '../helpers/checkout.js';
import type { StepName } from '../../src/modules/orders/index.js';
import { verifyInventory } from '../../src/modules/inventory/index.js';

const STEPS: StepName[] = [
  'load-cart',
  'reserve-stock',
  'create-order',
  'authorize-payment',
  'confirm-order',
  'capture-payment',
  'commit-stock',
];

describe.each(databaseModes())('checkout failures and recovery (%s)', (mode) => {
  let agora: TestAgora;
  let m: Awaited<ReturnType<typeof marketplace>>;
  let seller: { token: string; id: string };
  let crashAfter: StepName | null = null;
  let leaseTakenAfter: StepName | null = null;

  beforeAll(async () => {
    agora = await startAgora(
      mode,
      {
        ...FAST_ENV,
        AGORA_RATE_LIMIT: 'false',
        AGORA_PAYMENT_TIMEOUT_MS: '300',
        AGORA_PAYMENT_RETRIES: '0',
        AGORA_PAYMENT_BREAKER_THRESHOLD: '3',
        AGORA_PAYMENT_BREAKER_RESET_MS: '60000',
        AGORA_CHECKOUT_LEASE_MS: '200',
      },
      {
        orders: {
          // A crash between this step and the next: the process "dies" with the step committed.
          afterStep: (step, saga) => {
            // Another process took the saga over: this one's lease is no longer the saga's.
            if (step === leaseTakenAfter) {
              leaseTakenAfter = null;
              saga.leaseOwner = 'another process';
            }
            if (step === crashAfter) {
              crashAfter = null;
              throw new Error(`simulated crash after ${step}`);
            }
          },
        },
      },
    );
    m = await marketplace(agora);
    seller = await m.seller();
  });
  afterAll(() => agora.close());

  const db = () => agora.rt.database.db;
  const orderOfCart = async (cartId: string) =>
    (
      await sql<{ id: string; status: string; payment: string | null }>`
        select o.id, o.status, p.status as payment from orders.orders o
          left join payments.payments p on p.id = o.payment_id
         where o.cart_id = ${cartId}`.execute(db())
    ).rows;

  it('a crash between each pair of saga steps is resumed or compensated: paid and confirmed, or cancelled and unpaid', async () => {
    for (const step of STEPS) {
      const [sku] = await m.product(seller.token, [{ stock: 3 }]);
      const buyer = await m.buyer();
      const cartId = await m.cartWith(buyer.token, [{ sku, quantity: 2 }]);
      crashAfter = step;
      const res = await m.checkout(buyer.token, cartId);
      expect(res.statusCode, `crash after ${step}`).toBe(500);
      await new Promise((r) => setTimeout(r, 250)); // the saga's lease lapses
      await agora.jobs.runDue();
      await agora.orders.recoverCheckouts();
      await agora.jobs.runDue(); // voids and refunds the compensation scheduled
      const orders = await orderOfCart(cartId);
      const level = await m.stock(seller.token, sku);
      expect(level.reserved, `reserved after ${step}`).toBe(0);
      for (const o of orders) {
        if (o.status === 'confirmed') expect(o.payment, `payment after ${step}`).toBe('captured');
        else {
          expect(o.status).toBe('cancelled');
          expect(['failed', 'voided', null]).toContain(o.payment);
        }
      }
      const confirmed = orders.filter((o) => o.status === 'confirmed').length;
      expect(confirmed).toBeLessThanOrEqual(1);
      expect(level.onHand, `on hand after ${step}`).toBe(3 - 2 * confirmed);
    }
    expect(await verifyInventory(db())).toEqual([]);
  });

  it('a segment whose saga lease was taken over commits nothing; recovery finishes the checkout', async () => {
    const [sku] = await m.product(seller.token, [{ stock: 3 }]);
    const buyer = await m.buyer();
    const cartId = await m.cartWith(buyer.token, [{ sku, quantity: 2 }]);
    leaseTakenAfter = 'confirm-order';
    const res = await m.checkout(buyer.token, cartId);
    expect(res.statusCode).toBe(500);
    // the authorization's record and the confirmation rolled back with the lease's check
    const [order] = await orderOfCart(cartId);
    expect(order).toMatchObject({ status: 'pending', payment: 'pending' });
    const { rows } = await sql<{ step: string }>`
      select step from orders.sagas where cart_id = ${cartId}`.execute(db());
    expect(rows).toEqual([{ step: 'create-order' }]);
    expect(await m.stock(seller.token, sku)).toMatchObject({ onHand: 3, reserved: 2 });
    await new Promise((r) => setTimeout(r, 250)); // the saga's lease lapses
    await agora.orders.recoverCheckouts();
    expect(await orderOfCart(cartId)).toMatchObject([{ status: 'confirmed', payment: 'captured' }]);
    expect(await m.stock(seller.token, sku)).toMatchObject({ onHand: 1, reserved: 0 });
  });

  it('a slow provider times out: 503, compensated, and its late success does not confirm the order', async () => {
    const [sku] = await m.product(seller.token, [{ stock: 2 }]);
    const buyer = await m.buyer();
    const cartId = await m.cartWith(buyer.token, [{ sku, quantity: 1 }]);
    const res = await m.checkout(buyer.token, cartId, { payToken: 'tok_slow' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'payment_unavailable' });
    expect(await m.stock(seller.token, sku)).toMatchObject({ onHand: 2, reserved: 0 });
    await agora.jobs.runDue(); // the void job
    await new Promise((r) => setTimeout(r, 700)); // the provider's late answer lands
    const [order] = await orderOfCart(cartId);
    expect(order.status).toBe('cancelled');
    expect(order.payment).toBe('voided');
    for (const p of agora.payments.sandbox!.paymentsOfOrder(order.id))
      expect(p.status).not.toBe('authorized');
    expect(agora.payments.sandbox!.paymentsOfOrder(order.id).filter((p) => p.status === 'captured')).toEqual(
      [],
    );
  });

  it('an unavailable provider is a 503 with the stock released; after the threshold the circuit opens', async () => {
    const [sku] = await m.product(seller.token, [{ stock: 10 }]);
    const attempt = async (payToken: string) => {
      const buyer = await m.buyer();
      return m.checkout(buyer.token, await m.cartWith(buyer.token, [{ sku, quantity: 1 }]), { payToken });
    };
    // The breaker counts failures in a rolling window (earlier successes included): it opens once
    // at least the threshold of calls failed and they are the majority.
    let failures = 0;
    while (!agora.payments.circuitOpen('sandbox') && failures < 30) {
      const res = await attempt('tok_unavailable');
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ code: 'payment_unavailable' });
      expect(res.headers['retry-after']).toBeDefined();
      failures++;
    }
    expect(failures).toBeGreaterThanOrEqual(3);
    expect(agora.payments.circuitOpen('sandbox')).toBe(true);
    const calls = agora.payments.sandbox!.calls.authorize;
    const blocked = await attempt('tok_visa');
    expect(blocked.statusCode).toBe(503);
    expect(agora.payments.sandbox!.calls.authorize).toBe(calls);
    expect(await m.stock(seller.token, sku)).toMatchObject({ onHand: 10, reserved: 0 });
  });
});
