import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ctxOf } from '../../platform/context.js';
import type { AnyDb } from '../../platform/db.js';
import type { AuthGuard } from '../../platform/http/auth.js';
import { problems } from '../../platform/http/problem.js';
import { integrationRoutes, type IntegrationDeps } from './integration-routes.js';
import * as levels from './levels-service.js';
import {
  AdjustmentBody,
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
  integration: Omit<IntegrationDeps, 'db'>;
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
            'Changes on-hand at a location (default `default`); 409 when on-hand would drop below reserved or a location below 0',
          params: SkuParams,
          body: AdjustmentBody,
          response: { 201: AdjustmentResult, ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await levels.adjust(ctxOf(req, db), req.params.sku, req.body)),
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
