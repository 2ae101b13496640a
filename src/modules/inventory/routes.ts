import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ctxOf, type Ctx } from '../../platform/context.js';
import type { AnyDb } from '../../platform/db.js';
import type { AuthGuard } from '../../platform/http/auth.js';
import {
  requestHash,
  sendStored,
  storedRefusal,
  type AnswerClaim,
  type IdempotencyStore,
  type StoredResponse,
} from '../../platform/http/idempotency.js';
import { problems } from '../../platform/http/problem.js';
import { integrationRoutes, type IntegrationDeps } from './integration-routes.js';
import * as levels from './levels-service.js';
import {
  AdjustmentBody,
  AdjustmentHeaders,
  AdjustmentResult,
  InventoryLevel,
  Movement,
  MovementListQuery,
  MovementPage,
  SkuParams,
  ThresholdBody,
} from './schemas.js';

export interface InventoryRouteDeps {
  db: AnyDb;
  guard: AuthGuard;
  idempotency: IdempotencyStore;
  integration: Omit<IntegrationDeps, 'db'>;
}

/**
 * The adjustment of an idempotent request: its 201 is stored in the adjustment's own transaction
 * (so it commits with the stock change or not at all), and a refusal (404, 409, ...) is an answer
 * stored like it; a fault is thrown, and the key is forgotten so a retry runs again.
 */
async function adjustOnce(
  ctx: Ctx,
  sku: string,
  body: AdjustmentBody,
  claim: AnswerClaim,
): Promise<StoredResponse> {
  try {
    let stored: StoredResponse | undefined;
    await levels.adjust(ctx, sku, body, {
      onAdjusted: async (trx, answer) => {
        stored = { status: 201, body: JSON.stringify(answer) };
        await claim.storeIn(trx, stored);
      },
    });
    return stored!;
  } catch (err) {
    return storedRefusal(err, ctx.requestId);
  }
}

export function inventoryRoutes(deps: InventoryRouteDeps): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    app.addSchema(InventoryLevel);
    app.addSchema(Movement);
    const { guard, db } = deps;
    const tags = ['inventory'];
    const security = [{ bearer: [] }];
    const owner = guard.requireRole('seller', 'admin');

    app.get(
      '/v1/inventory/:sku',
      {
        preHandler: owner,
        schema: {
          tags,
          security,
          description: 'Stock of a SKU: the owner seller or an admin (another seller gets 404)',
          params: SkuParams,
          response: { 200: Type.Ref('InventoryLevel'), ...problems(400, 401, 403, 404) },
        },
      },
      async (req) => levels.getLevel(ctxOf(req, db), req.params.sku),
    );

    app.post(
      '/v1/inventory/:sku/adjustments',
      {
        preHandler: owner,
        schema: {
          tags,
          security,
          description:
            'Changes on-hand at a location (default `default`); 409 when on-hand would drop below reserved, a location below 0 or on-hand past 2147483647. With an `Idempotency-Key`, a repeated request answers the first one’s answer and adjusts once.',
          params: SkuParams,
          headers: AdjustmentHeaders,
          body: AdjustmentBody,
          response: { 201: AdjustmentResult, ...problems(400, 401, 403, 404, 409, 422) },
        },
      },
      async (req, reply) => {
        const ctx = ctxOf(req, db);
        const key = req.headers['idempotency-key'];
        if (key === undefined)
          return reply.code(201).send(await levels.adjust(ctx, req.params.sku, req.body));
        const answer = await deps.idempotency.execute(
          {
            scope: `inventory.adjustments:${ctx.actor!.userId}`,
            key,
            requestHash: requestHash(`POST /v1/inventory/${req.params.sku}/adjustments`, req.body),
          },
          (claim) => adjustOnce(ctx, req.params.sku, req.body, claim),
        );
        return sendStored(reply, answer);
      },
    );

    app.get(
      '/v1/inventory/:sku/movements',
      {
        preHandler: owner,
        schema: {
          tags,
          security,
          description: 'The movement ledger of a SKU, newest first',
          params: SkuParams,
          querystring: MovementListQuery,
          response: { 200: MovementPage, ...problems(400, 401, 403, 404) },
        },
      },
      async (req) => levels.listMovements(ctxOf(req, db), req.params.sku, req.query),
    );

    app.put(
      '/v1/inventory/:sku/threshold',
      {
        preHandler: owner,
        schema: {
          tags,
          security,
          description:
            'Sets the low-stock threshold (inventory.low_stock fires once per crossing to or below it)',
          params: SkuParams,
          body: ThresholdBody,
          response: { 200: Type.Ref('InventoryLevel'), ...problems(400, 401, 403, 404) },
        },
      },
      async (req) => levels.setThreshold(ctxOf(req, db), req.params.sku, req.body.lowStockThreshold),
    );

    await app.register(integrationRoutes({ db, ...deps.integration }));
  };
}
