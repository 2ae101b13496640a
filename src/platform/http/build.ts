import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
} from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import type { Runtime } from '../runtime.js';
import { AppError } from '../errors.js';
import { frameworkErrorHandler, installErrorHandling } from './error-handler.js';
import { edgePlugin, everyAnswerHeaders } from './edge.js';
import { metricsPlugin } from './metrics.js';
import { nulGuardPlugin } from './nul-guard.js';
import { shedLoad } from './admission.js';
import { Problem } from './problem.js';
import { requestLogger } from './request-logger.js';
import { buildSerializer } from './serialization.js';
import { buildValidator } from './validation.js';
import { bodilessPlugin } from './bodiless.js';
import { webAppPlugin } from './static.js';
import { allowedMethodsOf } from './allowed-methods.js';

export type App = FastifyInstance;

export interface HttpOptions {
  /** Module route plugins, each encapsulated. */
  routes: FastifyPluginAsync[];
  /** Named readiness checks run by /readyz (database, cache, broker, ...). */
  readiness: Record<string, () => Promise<void>>;
  /** Directory of the built web app to serve at `/` (with client-side route fallback); none: API only. */
  webRoot?: string;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * find-my-way's default (100 characters) refused a waiting-room queue token (about 210, up to 400
 * by its schema) before its route saw it; past this a parameter is a 400 from the router. Also the
 * options of the router that finds a 405's allowed methods, so both match paths alike.
 */
const ROUTER_OPTIONS = { maxParamLength: 512 };

/**
 * Builds the HTTP edge: request ids, logging, security headers and CORS (edge.ts), rate limits, load shedding,
 * metrics, OpenAPI, the problem+json error model, and the modules' routes. It does not listen.
 */
export async function buildHttp(rt: Runtime, options: HttpOptions): Promise<App> {
  const { config } = rt;
  const app = Fastify({
    // pino's Logger is wider than FastifyBaseLogger; typing it as the base keeps plugin types simple.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    loggerInstance: rt.log as FastifyBaseLogger,
    requestIdHeader: false,
    childLoggerFactory: requestLogger,
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
    // A malformed URL is answered by the router before any hook runs: problem+json all the same.
    frameworkErrors: frameworkErrorHandler(everyAnswerHeaders(config.AGORA_CORS_ORIGINS)),
    routerOptions: ROUTER_OPTIONS,
    bodyLimit: config.AGORA_BODY_LIMIT,
    trustProxy: config.AGORA_TRUST_PROXY,
    // The factory type of @fastify/ajv-compiler is narrower than what Fastify calls it with.
    schemaController: {
      compilersFactory: {
        buildValidator: buildValidator as never,
        buildSerializer: buildSerializer as never,
      },
    },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  }).withTypeProvider<TypeBoxTypeProvider>();

  // first: the request's span must be open (and active) around every hook and handler after it
  if (rt.tracing) await app.register(rt.tracing.fastifyPlugin);
  app.decorateRequest('actor', null);
  installErrorHandling(app, allowedMethodsOf(app, ROUTER_OPTIONS));
  // The API speaks JSON: a text/plain body is a 415 like any other type it does not read (Fastify
  // reads text/plain as a string by default, which a route then refused as "must be object").
  app.removeContentTypeParser('text/plain');
  app.addSchema(Problem);
  await app.register(edgePlugin, { corsOrigins: config.AGORA_CORS_ORIGINS });
  if (config.AGORA_MAX_EVENT_LOOP_DELAY_MS > 0) {
    // The stalls of starting (migrations, compiling, seeding, then the consumers and jobs starting
    // and the first compiles of each route) are the start, not load: nothing is shed in the first
    // second after the server is ready. (Without this, a restart under traffic answered 503 at once.)
    const SAMPLE_MS = 100;
    const START_GRACE_MS = 1_000;
    let shedFrom = Infinity;
    app.addHook('onReady', (done) => {
      shedFrom = Date.now() + START_GRACE_MS;
      done();
    });
    await app.register(underPressure, {
      maxEventLoopDelay: config.AGORA_MAX_EVENT_LOOP_DELAY_MS,
      sampleInterval: SAMPLE_MS,
      exposeStatusRoute: false,
      pressureHandler: shedLoad(() => shedFrom),
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
  await app.register(nulGuardPlugin);
  await app.register(bodilessPlugin);
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
