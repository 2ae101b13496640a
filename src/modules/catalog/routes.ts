import { Readable } from 'node:stream';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ctxOf } from '../../platform/context.js';
import type { AnyDb } from '../../platform/db.js';
import type { AuthGuard } from '../../platform/http/auth.js';
import { problems } from '../../platform/http/problem.js';
import * as categories from './category-service.js';
import { exportCsv } from './csv-export.js';
import { NotCsvError } from './errors.js';
import { importStatus, startImport } from './csv-import.js';
import * as products from './product-service.js';
import * as reads from './read-service.js';
import { matchesEtag } from './read-cache.js';
import { withOffers } from './sale-overlay.js';
import {
  CategoryBody,
  CategoryNode,
  CategoryTree,
  Category,
  CreateProductBody,
  ImportAccepted,
  ImportStatusSchema,
  IdOrSlugParams,
  IdParams,
  Money,
  PatchProductBody,
  Product,
  ProductListQuery,
  ProductPage,
  SellerProductListQuery,
  SellerProfile,
  SellerProfileBody,
} from './schemas.js';
import * as sellers from './seller-service.js';

export interface CatalogRouteDeps extends products.CatalogDeps {
  db: AnyDb;
  guard: AuthGuard;
}

/** Public reads revalidate every time: cheap with the ETag, and a change shows at once. */
const PUBLIC_CACHE_CONTROL = 'public, max-age=0, must-revalidate';

function answer(
  req: FastifyRequest,
  reply: FastifyReply,
  c: { etag: string; json: string } | { etag: null; body: unknown },
) {
  if (c.etag === null) {
    reply.header('cache-control', 'private, no-store');
    return reply.send(c.body);
  }
  reply.header('etag', c.etag).header('cache-control', PUBLIC_CACHE_CONTROL);
  if (matchesEtag(req.headers['if-none-match'], c.etag)) return reply.code(304).send();
  // already serialized JSON: Fastify sends a string with a JSON content type as it is
  return reply.type('application/json; charset=utf-8').send(c.json);
}

export function catalogRoutes(deps: CatalogRouteDeps): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    app.addSchema(Money);
    app.addSchema(Product);
    app.addSchema(CategoryNode);
    const { guard, db } = deps;
    const tags = ['catalog'];
    const security = [{ bearer: [] }];
    const notModified = { 304: Type.Null({ description: 'Not modified (If-None-Match)' }) };

    app.get(
      '/v1/products',
      {
        schema: {
          tags,
          querystring: ProductListQuery,
          response: { 200: ProductPage, ...notModified, ...problems(400) },
        },
      },
      async (req, reply) =>
        answer(
          req,
          reply,
          withOffers(await reads.listProducts(ctxOf(req, db), deps, req.query), deps.saleOverlay, 'page'),
        ),
    );

    app.get(
      '/v1/products/:idOrSlug',
      {
        preHandler: guard.optionalUser,
        schema: {
          tags,
          params: IdOrSlugParams,
          response: { 200: Type.Ref('Product'), ...notModified, ...problems(401, 404) },
        },
      },
      async (req, reply) => {
        const c = await reads.getProduct(ctxOf(req, db), deps, req.params.idOrSlug);
        return answer(req, reply, c.etag === null ? c : withOffers(c, deps.saleOverlay, 'product'));
      },
    );

    app.post(
      '/v1/products',
      {
        preHandler: guard.requireRole('seller', 'admin'),
        schema: {
          tags,
          security,
          body: CreateProductBody,
          response: { 201: Type.Ref('Product'), ...problems(400, 401, 403, 409, 413) },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await products.createProduct(ctxOf(req, db), deps, req.body)),
    );

    app.patch(
      '/v1/products/:id',
      {
        preHandler: guard.requireRole('seller', 'admin'),
        schema: {
          tags,
          security,
          params: IdParams,
          body: PatchProductBody,
          response: { 200: Type.Ref('Product'), ...problems(400, 401, 403, 404, 409, 413) },
        },
      },
      async (req) => products.updateProduct(ctxOf(req, db), deps, req.params.id, req.body),
    );

    app.delete(
      '/v1/products/:id',
      {
        preHandler: guard.requireRole('seller', 'admin'),
        schema: {
          tags,
          security,
          params: IdParams,
          response: { 204: Type.Null(), ...problems(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        await products.archiveProduct(ctxOf(req, db), deps, req.params.id);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/v1/categories',
      {
        schema: {
          tags,
          // no parameters: an unknown one is a 400, as on every other route
          querystring: Type.Object({}, { additionalProperties: false }),
          response: { 200: CategoryTree, ...notModified, ...problems(400) },
        },
      },
      async (req, reply) => answer(req, reply, await reads.getCategoryTree(ctxOf(req, db), deps)),
    );

    app.post(
      '/v1/categories',
      {
        preHandler: guard.requireRole('admin'),
        schema: {
          tags,
          security,
          body: CategoryBody,
          response: { 201: Category, ...problems(400, 401, 403, 409) },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await categories.createCategory(ctxOf(req, db), deps, req.body)),
    );

    // CSV uploads reach the handler as the raw stream: the import spools it to disk itself
    app.addContentTypeParser('text/csv', (_req, payload, done) => done(null, payload));

    app.post(
      '/v1/catalog/imports',
      {
        preHandler: guard.requireRole('seller', 'admin'),
        schema: {
          tags,
          security,
          consumes: ['text/csv'],
          response: { 202: ImportAccepted, ...problems(400, 401, 403, 413, 415) },
        },
      },
      async (req, reply) => {
        // only the text/csv parser above hands the body over as a stream; JSON or text is no CSV
        if (!(req.body instanceof Readable)) throw new NotCsvError();
        return reply.code(202).send(await startImport(ctxOf(req, db), deps, req.body));
      },
    );

    app.get(
      '/v1/catalog/imports/:id',
      {
        preHandler: guard.requireRole('seller', 'admin'),
        schema: {
          tags,
          security,
          params: IdParams,
          response: { 200: ImportStatusSchema, ...problems(400, 401, 403, 404) },
        },
      },
      async (req) => importStatus(ctxOf(req, db), req.params.id),
    );

    app.get(
      '/v1/catalog/export',
      {
        preHandler: guard.requireRole('seller', 'admin'),
        schema: {
          tags,
          security,
          description: 'Your products as CSV (admins: every product), one row per variant',
        },
      },
      async (req, reply) => {
        const actor = ctxOf(req, db).actor;
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="products.csv"')
          .send(exportCsv(db, actor?.role === 'admin' ? undefined : actor?.userId));
      },
    );

    app.get(
      '/v1/seller/products',
      {
        preHandler: guard.requireRole('seller', 'admin'),
        schema: {
          tags,
          security,
          description: 'Your products in every status (drafts included), newest first',
          querystring: SellerProductListQuery,
          response: { 200: ProductPage, ...problems(400, 401, 403) },
        },
      },
      async (req, reply) => {
        reply.header('cache-control', 'private, no-store');
        return reads.listSellerProducts(ctxOf(req, db), deps, req.query);
      },
    );

    app.get(
      '/v1/seller/profile',
      {
        preHandler: guard.requireRole('seller', 'admin'),
        schema: { tags, security, response: { 200: SellerProfile, ...problems(401, 403) } },
      },
      async (req) => sellers.getSellerProfile(ctxOf(req, db), deps.sellerName),
    );

    app.put(
      '/v1/seller/profile',
      {
        preHandler: guard.requireRole('seller', 'admin'),
        schema: {
          tags,
          security,
          body: SellerProfileBody,
          response: { 200: SellerProfile, ...problems(400, 401, 403) },
        },
      },
      async (req) => sellers.putSellerProfile(ctxOf(req, db), deps.sellerName, req.body),
    );
  };
}
