import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AnyDb } from '../../platform/db.js';
import { problems } from '../../platform/http/problem.js';
import type { JobRunner } from '../../platform/jobs/runner.js';
import { UnknownProviderError } from './errors.js';
import type { PaymentGateway } from './gateway.js';
import { PROVIDER_NAMES } from './provider.js';
import type { PaymentService } from './service.js';
import { receiveWebhook } from './webhooks.js';

const WebhookParams = Type.Object({
  provider: Type.Union(PROVIDER_NAMES.map((p) => Type.Literal(p))),
});
const WebhookAnswer = Type.Object({ received: Type.Literal(true), duplicate: Type.Boolean() });

/**
 * `POST /v1/payments/webhooks/{provider}`. The signature covers the exact bytes sent, so this
 * plugin (and only it) reads bodies as raw buffers: its own content-type parsers, for any type.
 */
export function paymentRoutes(deps: {
  db: AnyDb;
  jobs: JobRunner;
  gateway: PaymentGateway;
  service: PaymentService;
}): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    app.post(
      '/v1/payments/webhooks/:provider',
      {
        config: { rateLimit: false },
        schema: {
          tags: ['payments'],
          summary: 'Provider events (signature verified the provider’s way; each event id applied once)',
          params: WebhookParams,
          body: Type.Unsafe<Buffer>({ description: 'The provider’s raw event, as signed' }),
          response: { 200: WebhookAnswer, ...problems(400, 401, 404, 413) },
        },
      },
      async (req) => {
        const name = req.params.provider;
        if (!deps.gateway.has(name)) throw new UnknownProviderError();
        const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        return receiveWebhook(deps, deps.gateway.provider(name), body, req.headers, req.id);
      },
    );
  };
}
