import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AnyDb } from '../../platform/db.js';
import { ValidationError } from '../../platform/errors.js';
import { nulFieldErrors } from '../../platform/http/nul-guard.js';
import { problems } from '../../platform/http/problem.js';
import { IntegrationUnavailableError } from './errors.js';
import { applyExternalUpdates } from './external-service.js';
import { ExternalUpdatesBody, ExternalUpdatesResult } from './schemas.js';
import { verifySignature } from './signature.js';

export interface IntegrationDeps {
  db: AnyDb;
  /** Absent: the endpoint answers 503 `unavailable`. */
  secret: string | undefined;
  toleranceS: number;
}

/**
 * `POST /v1/integrations/inventory`, in a context of its own: JSON bodies here are kept as the raw
 * text (the signature covers the exact bytes), verified, and only then parsed and validated.
 */
export function integrationRoutes(deps: IntegrationDeps): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) =>
      done(null, body),
    );

    app.post(
      '/v1/integrations/inventory',
      {
        schema: {
          tags: ['inventory'],
          description:
            'Absolute stock levels pushed by an external inventory system. Signed: `x-agora-signature: t=<unix>,v1=<hex>`, HMAC-SHA256 over `<t>.<raw body>`. Each `updateId` is applied once. One transaction: an update that would take a SKU’s on-hand past 2147483647 units is a 409 naming it, and nothing of the request is applied.',
          body: ExternalUpdatesBody,
          response: { 200: ExternalUpdatesResult, ...problems(400, 401, 409, 413, 415, 503) },
        },
        preValidation: async (req: FastifyRequest) => {
          if (!deps.secret) throw new IntegrationUnavailableError();
          const raw = typeof req.body === 'string' ? req.body : '';
          const header = req.headers['x-agora-signature'];
          verifySignature(typeof header === 'string' ? header : undefined, raw, deps.secret, deps.toleranceS);
          try {
            req.body = JSON.parse(raw) as unknown;
          } catch {
            throw new ValidationError(
              [{ path: '/body', message: 'is not valid JSON' }],
              'The body is not valid JSON',
            );
          }
          // this route parses its own body, so the platform's NUL rule is applied here
          const nul = raw.includes('\\u0000') ? nulFieldErrors(req.body, '/body') : [];
          if (nul.length) throw new ValidationError(nul);
        },
      },
      async (req) => ({ results: await applyExternalUpdates(deps.db, req.id, req.body.updates) }),
    );
  };
}
