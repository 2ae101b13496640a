import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
} from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import type { Runtime } from '../runtime.js';
import { AppError } from '../errors.js';
import { installErrorHandling } from './error-handler.js';
import { metricsPlugin } from './metrics.js';
import { Problem } from './problem.js';
import { buildValidator } from './validation.js';
import { webAppPlugin } from './static.js';

export type App = FastifyInstance;

export interface HttpOptions {
  /** Module route plugins, each encapsulated. */
  routes: FastifyPluginAsync[];
  /** Named readiness checks run by /readyz (database, cache, broker, ...). */
  readiness: Record<string, () => Promise<void>>;
  /** Directory of the built web app to serve at `/` (with client-side route fallback); none: API only. */
  webRoot?: string;
}

const SECURITY_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'cross-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
} as const;

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * Builds the HTTP edge: request ids, logging, security headers, CORS, rate limits, load shedding,
 * metrics, OpenAPI, the problem+json error model, and the modules' routes. It does not listen.
 */
export async function buildHttp(rt: Runtime, options: HttpOptions): Promise<App> {
  const { config } = rt;
  const app = Fastify({
    // pino's Logger is wider than FastifyBaseLogger; typing it as the base keeps plugin types simple.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    loggerInstance: rt.log as FastifyBaseLogger,
    requestIdHeader: false,
    // Request/response log lines carry `requestId`; per-request lines only at debug level, so a
    // busy server's log is its events, not its traffic (metrics count the traffic).
    logController: new LogController({
      requestIdLogLabel: 'requestId',
      disableRequestLogging: config.LOG_LEVEL !== 'debug' && config.LOG_LEVEL !== 'trace',
    }),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    bodyLimit: config.AGORA_BODY_LIMIT,
    trustProxy: config.AGORA_TRUST_PROXY,
    // The factory type of @fastify/ajv-compiler is narrower than what Fastify calls it with.
    schemaController: { compilersFactory: { buildValidator: buildValidator as never } },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorateRequest('actor', null);
  // During a graceful shutdown, answers to requests still in flight close their connection, so
  // keep-alive clients do not hold the server open until their idle timeout.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // Hooks on every request take a callback rather than being async: no promise per request.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  // Security headers, set as one precomputed block. @fastify/helmet sets the same set through a
  // per-response middleware chain that cost ~40 % of a bare route's throughput here; the values are
  // helmet's defaults minus CSP (JSON answers need none; the web app's HTML gets its own in
  // static.ts, and /docs through swagger-ui's staticCSP).
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(SECURITY_HEADERS);
    reply.header('x-request-id', request.id);
    done();
  });
  installErrorHandling(app);
  app.addSchema(Problem);

  await app.register(cors, {
    origin:
      config.AGORA_CORS_ORIGINS === '*' ? '*' : config.AGORA_CORS_ORIGINS.split(',').map((s) => s.trim()),
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'if-none-match', 'x-request-id'],
    exposedHeaders: [
      'x-request-id',
      'retry-after',
      'etag',
      'ratelimit-limit',
      'ratelimit-remaining',
      'ratelimit-reset',
    ],
    maxAge: 600,
  });
  if (config.AGORA_MAX_EVENT_LOOP_DELAY_MS > 0) {
    await app.register(underPressure, {
      maxEventLoopDelay: config.AGORA_MAX_EVENT_LOOP_DELAY_MS,
      sampleInterval: 100,
      exposeStatusRoute: false,
      pressureHandler: (request, _reply, type, value) => {
        request.log.warn({ type, value }, 'shedding load');
        // A rejection ends the request in the error handler; answering from here instead would let
        // under-pressure go on to run the route as well.
        return Promise.reject(
          new AppError('overloaded', 'The server is overloaded; retry shortly', { retryAfter: 2 }),
        );
      },
    });
  }
  await app.register(rateLimit, {
    global: config.AGORA_RATE_LIMIT,
    max: config.AGORA_RATE_LIMIT_BROWSE_MAX,
    timeWindow: 60_000,
    redis: rt.redis ?? undefined,
    nameSpace: `${config.REDIS_PREFIX}rl:`,
    skipOnError: true,
    enableDraftSpec: true,
    errorResponseBuilder: (_request, context) =>
      new AppError('rate_limited', `Too many requests; retry in ${Math.ceil(context.ttl / 1000)} s`, {
        retryAfter: Math.ceil(context.ttl / 1000),
      }),
  });
  await app.register(metricsPlugin, { registry: rt.metrics });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Agora API',
        version: '1.0.0',
        description: 'The Agora marketplace HTTP API. Errors are application/problem+json (RFC 9457).',
      },
      servers: [{ url: config.AGORA_PUBLIC_URL }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    refResolver: {
      buildLocalReference: (json, _base, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true }, config: { rateLimit: false } }, async () =>
    app.swagger(),
  );

  app.get(
    '/healthz',
    {
      config: { rateLimit: false },
      schema: { tags: ['operations'], response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
    },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      config: { rateLimit: false },
      schema: {
        tags: ['operations'],
        response: {
          200: ReadyBody,
          503: ReadyBody,
        },
      },
    },
    async (_request, reply) => {
      const entries = await Promise.all(
        Object.entries(options.readiness).map(async ([name, check]) => {
          try {
            await withTimeout(check(), 2_000);
            return [name, 'ok'] as const;
          } catch (err) {
            return [name, `unreachable: ${(err as Error).message}`] as const;
          }
        }),
      );
      const checks = Object.fromEntries(entries);
      const ready = entries.every(([, s]) => s === 'ok');
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
    },
  );

  for (const routes of options.routes) await app.register(routes);
  if (options.webRoot) await app.register(webAppPlugin, { root: options.webRoot });
  return app;
}

const ReadyBody = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
  checks: Type.Record(Type.String(), Type.String()),
});

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
