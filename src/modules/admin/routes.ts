import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ctxOf } from '../../platform/context.js';
import type { AnyDb } from '../../platform/db.js';
import type { AuthGuard } from '../../platform/http/auth.js';
import { problems } from '../../platform/http/problem.js';
import * as flags from './flags-service.js';
import * as sales from './sales-service.js';
import {
  Flag,
  FlagChangePage,
  FlagPage,
  FlagParams,
  ListQuery,
  PutFlagBody,
  SalesQuery,
  SalesReport,
} from './schemas.js';

export interface AdminRouteDeps extends flags.FlagsDeps, sales.SalesDeps {
  db: AnyDb;
  guard: AuthGuard;
}

export function adminRoutes(deps: AdminRouteDeps): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    app.addSchema(Flag);
    const { guard, db } = deps;
    const admin = guard.requireRole('admin');
    const security = [{ bearer: [] }];
    const tags = ['admin'];

    app.get(
      '/v1/admin/feature-flags',
      {
        preHandler: admin,
        schema: {
          tags,
          security,
          querystring: ListQuery,
          response: { 200: FlagPage, ...problems(400, 401, 403) },
        },
      },
      async (req) => flags.listFlags(ctxOf(req, db), deps, req.query),
    );

    app.get(
      '/v1/admin/feature-flags/:key',
      {
        preHandler: admin,
        schema: {
          tags,
          security,
          params: FlagParams,
          response: { 200: Type.Ref('FeatureFlag'), ...problems(400, 401, 403, 404) },
        },
      },
      async (req) => flags.getFlag(ctxOf(req, db), req.params.key),
    );

    app.put(
      '/v1/admin/feature-flags/:key',
      {
        preHandler: admin,
        schema: {
          tags,
          security,
          params: FlagParams,
          body: PutFlagBody,
          response: {
            200: Type.Ref('FeatureFlag'),
            201: Type.Ref('FeatureFlag'),
            ...problems(400, 401, 403, 413),
          },
        },
      },
      async (req, reply) => {
        const { flag, created } = await flags.putFlag(ctxOf(req, db), deps, req.params.key, req.body);
        return reply.code(created ? 201 : 200).send(flag);
      },
    );

    app.get(
      '/v1/admin/feature-flags/:key/changes',
      {
        preHandler: admin,
        schema: {
          tags,
          security,
          params: FlagParams,
          querystring: ListQuery,
          response: { 200: FlagChangePage, ...problems(400, 401, 403, 404) },
        },
      },
      async (req) => flags.listChanges(ctxOf(req, db), req.params.key, req.query),
    );

    app.get(
      '/v1/admin/analytics/sales',
      {
        preHandler: admin,
        schema: {
          tags,
          security,
          querystring: SalesQuery,
          response: { 200: SalesReport, ...problems(400, 401, 403, 503) },
        },
      },
      async (req) => sales.salesReport(ctxOf(req, db), deps, req.query),
    );
  };
}
