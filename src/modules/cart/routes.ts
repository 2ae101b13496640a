import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ctxOf } from '../../platform/context.js';
import type { AnyDb } from '../../platform/db.js';
import type { AuthGuard } from '../../platform/http/auth.js';
import { problems } from '../../platform/http/problem.js';
import { AddItemBody, Cart, CartParams, CartQuery, ItemParams, PatchItemBody } from './schemas.js';
import * as carts from './service.js';

export interface CartRouteDeps extends carts.CartDeps {
  db: AnyDb;
  guard: AuthGuard;
}

/**
 * Every route takes an optional access token: a guest cart answers to whoever holds its id, a
 * user's cart only to that user (404 for anyone else, so ids do not leak).
 */
export function cartRoutes(deps: CartRouteDeps): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    app.addSchema(Cart);
    const { guard, db } = deps;
    const tags = ['cart'];
    const security: { [label: string]: string[] }[] = [{}, { bearer: [] }];
    const preHandler = guard.optionalUser;
    const CartRef = Type.Ref('Cart');

    app.post(
      '/v1/carts',
      {
        preHandler,
        schema: {
          tags,
          security,
          description:
            'Anonymous: a new guest cart (its id is the only key to it). Signed in: your open cart, created (201) or as it is (200).',
          response: { 200: CartRef, 201: CartRef, ...problems(401) },
        },
      },
      async (req, reply) => {
        const { cart, created } = await carts.openCart(ctxOf(req, db), deps);
        reply.header('cache-control', 'private, no-store');
        return reply.code(created ? 201 : 200).send(cart);
      },
    );

    app.get(
      '/v1/carts/:id',
      {
        preHandler,
        schema: {
          tags,
          security,
          params: CartParams,
          querystring: CartQuery,
          response: { 200: CartRef, ...problems(400, 401, 404) },
        },
      },
      async (req, reply) => {
        reply.header('cache-control', 'private, no-store');
        return carts.getCart(ctxOf(req, db), deps, req.params.id, req.query.country);
      },
    );

    app.post(
      '/v1/carts/:id/items',
      {
        preHandler,
        schema: {
          tags,
          security,
          params: CartParams,
          body: AddItemBody,
          response: { 201: CartRef, ...problems(400, 401, 404, 409, 413) },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await carts.addItem(ctxOf(req, db), deps, req.params.id, req.body)),
    );

    app.patch(
      '/v1/carts/:id/items/:itemId',
      {
        preHandler,
        schema: {
          tags,
          security,
          params: ItemParams,
          body: PatchItemBody,
          response: { 200: CartRef, ...problems(400, 401, 404, 409, 413) },
        },
      },
      async (req) =>
        carts.changeQuantity(ctxOf(req, db), deps, req.params.id, req.params.itemId, req.body.quantity),
    );

    app.delete(
      '/v1/carts/:id/items/:itemId',
      {
        preHandler,
        schema: {
          tags,
          security,
          params: ItemParams,
          response: { 204: Type.Null(), ...problems(400, 401, 404, 409) },
        },
      },
      async (req, reply) => {
        await carts.removeItem(ctxOf(req, db), deps, req.params.id, req.params.itemId);
        return reply.code(204).send(null);
      },
    );
  };
}
