import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ctxOf } from '../../platform/context.js';
import type { AnyDb } from '../../platform/db.js';
import type { AuthGuard } from '../../platform/http/auth.js';
import { problems } from '../../platform/http/problem.js';
import * as notifications from './notifications-service.js';
import * as webhooks from './webhooks-service.js';
import {
  CreatedWebhook,
  DeliveryListQuery,
  DeliveryPage,
  IdParams,
  Notification,
  NotificationListQuery,
  NotificationPage,
  Preferences,
  ReadAllResult,
  Webhook,
  WebhookBody,
  WebhookList,
} from './schemas.js';

export interface NotificationRouteDeps {
  db: AnyDb;
  guard: AuthGuard;
  allowPrivateWebhooks: boolean;
}

export function notificationRoutes(deps: NotificationRouteDeps): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    app.addSchema(Notification);
    app.addSchema(Webhook);
    const { guard, db } = deps;
    const security = [{ bearer: [] }];
    const tags = ['notifications'];
    const seller = guard.requireRole('seller', 'admin');

    app.get(
      '/v1/me/notifications',
      {
        preHandler: guard.requireUser,
        schema: {
          tags,
          security,
          querystring: NotificationListQuery,
          response: { 200: NotificationPage, ...problems(400, 401) },
        },
      },
      async (req) => notifications.listMine(ctxOf(req, db), req.query),
    );

    app.post(
      '/v1/me/notifications/:id/read',
      {
        preHandler: guard.requireUser,
        schema: {
          tags,
          security,
          params: IdParams,
          response: { 200: Notification, ...problems(400, 401, 404) },
        },
      },
      async (req) => notifications.markRead(ctxOf(req, db), req.params.id),
    );

    app.post(
      '/v1/me/notifications/read-all',
      {
        preHandler: guard.requireUser,
        schema: { tags, security, response: { 200: ReadAllResult, ...problems(401) } },
      },
      async (req) => notifications.markAllRead(ctxOf(req, db)),
    );

    app.get(
      '/v1/me/notification-preferences',
      {
        preHandler: guard.requireUser,
        schema: { tags, security, response: { 200: Preferences, ...problems(401) } },
      },
      async (req) => notifications.getPreferences(ctxOf(req, db)),
    );

    app.put(
      '/v1/me/notification-preferences',
      {
        preHandler: guard.requireUser,
        schema: { tags, security, body: Preferences, response: { 200: Preferences, ...problems(400, 401) } },
      },
      async (req) => notifications.setPreferences(ctxOf(req, db), req.body),
    );

    app.post(
      '/v1/webhooks',
      {
        preHandler: seller,
        schema: {
          tags,
          security,
          body: WebhookBody,
          response: { 201: CreatedWebhook, ...problems(400, 401, 403) },
        },
      },
      async (req, reply) =>
        reply
          .code(201)
          .send(
            await webhooks.createWebhook(
              ctxOf(req, db),
              { allowPrivate: deps.allowPrivateWebhooks },
              req.body,
            ),
          ),
    );

    app.get(
      '/v1/webhooks',
      {
        preHandler: seller,
        schema: { tags, security, response: { 200: WebhookList, ...problems(401, 403) } },
      },
      async (req) => webhooks.listWebhooks(ctxOf(req, db)),
    );

    app.delete(
      '/v1/webhooks/:id',
      {
        preHandler: seller,
        schema: {
          tags,
          security,
          params: IdParams,
          response: { 204: Type.Null(), ...problems(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        await webhooks.deleteWebhook(ctxOf(req, db), req.params.id);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/v1/webhooks/:id/deliveries',
      {
        preHandler: seller,
        schema: {
          tags,
          security,
          params: IdParams,
          querystring: DeliveryListQuery,
          response: { 200: DeliveryPage, ...problems(400, 401, 403, 404) },
        },
      },
      async (req) => webhooks.listDeliveries(ctxOf(req, db), req.params.id, req.query),
    );
  };
}
