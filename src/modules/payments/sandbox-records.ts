import type { AnyDb } from '../../platform/db.js';
import * as repo from './repository.js';
import type { SandboxRecords } from './sandbox.js';

/**
 * The sandbox's books outside any one process: what this module records about sandbox payments,
 * read only. Each call is one statement, made where the sandbox cannot answer from memory (voids,
 * refunds, a payment another process authorized), never by the checkout's own authorization and
 * capture.
 */
export function sandboxRecords(db: AnyDb): SandboxRecords {
  return {
    async payment(ref) {
      const row = await repo.findByProviderRef(db, 'sandbox', ref);
      return (
        row && {
          paymentId: row.id,
          orderId: row.order_id,
          cartId: row.cart_id,
          status: row.status,
          amount: row.amount,
          currency: row.currency,
          captured: row.captured_amount,
        }
      );
    },
    statusByKey: (authorizeKey) => repo.statusByIdempotencyKey(db, authorizeKey),
    async refundsPaid(paymentId) {
      const rows = await repo.succeededRefundsOf(db, paymentId);
      return rows.map((r) => ({ key: r.id, amount: r.amount, refundRef: r.provider_ref }));
    },
  };
}
