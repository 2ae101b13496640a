import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import { ctxOf } from '../../platform/context.js';
import type { AnyDb } from '../../platform/db.js';
import type { AuthGuard } from '../../platform/http/auth.js';
import {
  requestHash,
  sendStored,
  storedRefusal,
  type IdempotencyStore,
  type StoredResponse,
} from '../../platform/http/idempotency.js';
import { problems } from '../../platform/http/problem.js';
import type { PaymentsModule } from '../payments/index.js';
import * as orders from './order-service.js';
import type { InventoryPort } from './ports.js';
import * as reads from './read-service.js';
import type { Checkout } from './saga/checkout.js';
import {
  CancelBody,
  CheckoutAnswer,
  CheckoutBody,
  IdParams,
  IdempotencyHeaders,
  ListQuery,
  Order,
  OptionalIdempotencyHeaders,
  OrderPage,
  RefundBody,
  SellerOrderPage,
  ShipBody,
} from './schemas.js';

export interface OrderRouteDeps {
  db: AnyDb;
  guard: AuthGuard;
  checkout: Checkout;
  idempotency: IdempotencyStore;
  payments: PaymentsModule;
  inventory: InventoryPort;
}

export function orderRoutes(deps: OrderRouteDeps): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    app.addSchema(Order);
    const { guard, db } = deps;
    const tags = ['orders'];
    const security = [{ bearer: [] }];
    const OrderRef = Type.Ref('Order');

    app.post(
      '/v1/checkout',
      {
        preHandler: guard.requireUser,
        schema: {
          tags,
          security,
          summary:
            'Checks a cart out: reserve, order, authorize, confirm, capture (Idempotency-Key required)',
          headers: IdempotencyHeaders,
          body: CheckoutBody,
          response: {
            201: CheckoutAnswer,
            202: CheckoutAnswer,
            ...problems(400, 401, 402, 404, 409, 413, 422, 503),
          },
        },
      },
      async (req, reply) => {
        const ctx = ctxOf(req, db);
        const userId = ctx.actor!.userId;
        const key = req.headers['idempotency-key'];
        // The stored answer is replayed byte for byte: status, body (with the first request's id).
        const answer = await deps.idempotency.execute(
          { scope: `checkout:${userId}`, key, requestHash: requestHash('POST /v1/checkout', req.body) },
          async (claim) => {
            try {
              // The usual answer (201, confirmed) is stored in the transaction that completes the
              // checkout, built from what the saga holds: no commit of its own, no read back.
              let completed: StoredResponse | null = null;
              const result = await deps.checkout.completeCheckout(req.body.cartId, {
                start: {
                  userId,
                  idempotencyKey: `agora:${userId}:${key}`,
                  shippingAddress: req.body.shippingAddress,
                  payment: req.body.payment,
                  correlationId: req.id,
                  onCompleted: async (trx, order) => {
                    completed = { status: 201, body: JSON.stringify({ order }) };
                    await claim.storeIn(trx, completed);
                  },
                },
              });
              if (completed && result.kind === 'confirmed') return completed;
              const order = await reads.getOrder(ctx, deps.payments, result.orderId, {
                clientSecret: result.kind === 'pending' ? result.clientSecret : undefined,
              });
              return { status: result.kind === 'confirmed' ? 201 : 202, body: JSON.stringify({ order }) };
            } catch (err) {
              return storedRefusal(err, req.id);
            }
          },
        );
        if (answer.status === 503) reply.header('retry-after', '5');
        return sendStored(reply, answer);
      },
    );

    app.get(
      '/v1/orders',
      {
        preHandler: guard.requireUser,
        schema: {
          tags,
          security,
          querystring: ListQuery,
          response: { 200: OrderPage, ...problems(400, 401) },
        },
      },
      async (req) => reads.listMyOrders(ctxOf(req, db), req.query),
    );

    app.get(
      '/v1/orders/:id',
      {
        preHandler: guard.requireUser,
        schema: { tags, security, params: IdParams, response: { 200: OrderRef, ...problems(400, 401, 404) } },
      },
      async (req) => reads.getOrder(ctxOf(req, db), deps.payments, req.params.id),
    );

    app.post(
      '/v1/orders/:id/cancel',
      {
        preHandler: guard.requireUser,
        // The body is optional: no body means no reason given.
        preValidation: async (req) => {
          req.body ??= {};
        },
        schema: {
          tags,
          security,
          params: IdParams,
          summary:
            'Cancels an order before shipping (refunds what was paid), or gives up a pending checkout (3-D Secure): its authorization voided, its stock released, its cart free again',
          body: CancelBody,
          response: { 200: OrderRef, ...problems(400, 401, 404, 409) },
        },
      },
      async (req) => {
        const ctx = ctxOf(req, db);
        const reason =
          req.body?.reason ??
          (ctx.actor!.role === 'admin' ? 'cancelled by an admin' : 'cancelled by the buyer');
        await orders.cancelOrder(ctx, deps, req.params.id, reason, {
          onlyIfPending: req.body?.onlyIfPending,
        });
        return reads.getOrder(ctx, deps.payments, req.params.id);
      },
    );

    app.get(
      '/v1/seller/orders',
      {
        preHandler: guard.requireRole('seller', 'admin'),
        schema: {
          tags,
          security,
          querystring: ListQuery,
          response: { 200: SellerOrderPage, ...problems(400, 401, 403) },
        },
      },
      async (req) => reads.listSellerOrders(ctxOf(req, db), req.query),
    );

    app.post(
      '/v1/seller/orders/:id/ship',
      {
        preHandler: guard.requireRole('seller'),
        schema: {
          tags,
          security,
          params: IdParams,
          body: ShipBody,
          response: { 200: OrderRef, ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (req) => {
        const ctx = ctxOf(req, db);
        await orders.shipPart(ctx, req.params.id, req.body);
        return reads.getOrder(ctx, deps.payments, req.params.id);
      },
    );

    app.post(
      '/v1/seller/orders/:id/deliver',
      {
        preHandler: guard.requireRole('seller'),
        schema: {
          tags,
          security,
          params: IdParams,
          response: { 200: OrderRef, ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (req) => {
        const ctx = ctxOf(req, db);
        await orders.deliverPart(ctx, req.params.id);
        return reads.getOrder(ctx, deps.payments, req.params.id);
      },
    );

    app.post(
      '/v1/admin/orders/:id/refund',
      {
        preHandler: guard.requireRole('admin'),
        schema: {
          tags,
          security,
          summary: 'Refunds all that is left, or part, of a paid order (optional Idempotency-Key)',
          description:
            'A refund that leaves nothing to refund (no amount, or an amount equal to what is left) is a ' +
            'full refund: the order becomes refunded, and its parts not yet shipped are cancelled (their ' +
            'sellers can no longer ship them) and their goods restocked; shipped and delivered parts keep ' +
            'their status. Any other refund is money only.',
          headers: OptionalIdempotencyHeaders,
          params: IdParams,
          body: RefundBody,
          response: { 200: OrderRef, ...problems(400, 401, 403, 404, 409, 422) },
        },
      },
      async (req, reply) => {
        const ctx = ctxOf(req, db);
        const orderId = req.params.id;
        const key = req.headers['idempotency-key'];
        const refund = async (refundKey: string) => {
          await orders.refundOrder(ctx, deps, orderId, { ...req.body, key: refundKey });
          return reads.getOrder(ctx, deps.payments, orderId);
        };
        if (key === undefined) return refund(randomUUID());
        // With a key, every repetition gets the first answer byte for byte (the order as it was
        // then), concurrent ones included; refundOrder is idempotent per key on its own as well.
        const answer = await deps.idempotency.execute(
          {
            scope: `refund:${orderId}`,
            key,
            requestHash: requestHash('POST /v1/admin/orders/:id/refund', req.body),
          },
          async () => {
            try {
              return { status: 200, body: JSON.stringify(await refund(key)) };
            } catch (err) {
              return storedRefusal(err, req.id);
            }
          },
        );
        return sendStored(reply, answer);
      },
    );
  };
}
