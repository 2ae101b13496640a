import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

export interface EdgeOptions {
  /** `*` for any origin, or a comma-separated list of origins allowed to call the API from a browser. */
  corsOrigins: string;
}

type HeaderBlock = readonly (readonly [string, string])[];

/**
 * Security headers that mean something on any answer, JSON included: HTTPS only, no MIME
 * sniffing (a JSON body never runs as a script or a page), no framing.
 */
const EVERY_ANSWER: HeaderBlock = [
  ['strict-transport-security', 'max-age=31536000; includeSubDomains'],
  ['x-content-type-options', 'nosniff'],
  ['x-frame-options', 'SAMEORIGIN'],
];

/**
 * helmet's other defaults (minus CSP). They govern what a rendered page may do (open windows,
 * prefetch, send referrers, run in a shared agent cluster) or are for legacy clients opening
 * downloads, so they go on answers a browser may render: every answer that is not JSON (the web
 * app's pages and files, the API docs UI, text). A JSON answer is read by a script, never rendered.
 */
const DOCUMENT_ANSWER: HeaderBlock = [
  ['cross-origin-opener-policy', 'same-origin'],
  ['cross-origin-resource-policy', 'cross-origin'],
  ['origin-agent-cluster', '?1'],
  ['referrer-policy', 'no-referrer'],
  ['x-dns-prefetch-control', 'off'],
  ['x-download-options', 'noopen'],
  ['x-permitted-cross-domain-policies', 'none'],
  ['x-xss-protection', '0'],
];

const EXPOSED = [
  'x-request-id',
  'retry-after',
  'etag',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
];
const PREFLIGHT: HeaderBlock = [
  ['access-control-allow-methods', 'GET, HEAD, POST, PUT, PATCH, DELETE'],
  [
    'access-control-allow-headers',
    'authorization, content-type, idempotency-key, if-none-match, x-request-id',
  ],
  ['access-control-max-age', '600'],
  ['content-length', '0'],
];

function setAll(reply: FastifyReply, block: HeaderBlock): void {
  for (const [name, value] of block) reply.header(name, value);
}

function isJson(contentType: unknown): boolean {
  return typeof contentType === 'string' && contentType.includes('json');
}

/**
 * Sets the CORS headers of one request. `*`: the same two headers on every answer, so a cached
 * answer serves every origin. A list: the request's origin is echoed when listed, and every answer
 * says it varies by `Origin`. Credentials are never allowed: the API authenticates with a bearer
 * token, not cookies.
 */
function corsFor(corsOrigins: string): (request: FastifyRequest, reply: FastifyReply) => void {
  const exposed = EXPOSED.join(', ');
  if (corsOrigins.trim() === '*') {
    return (_request, reply) => {
      reply.header('access-control-allow-origin', '*');
      reply.header('access-control-expose-headers', exposed);
    };
  }
  const allowed = new Set(
    corsOrigins
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  return (request, reply) => {
    reply.header('vary', 'Origin');
    const origin = request.headers.origin;
    if (origin !== undefined && allowed.has(origin)) {
      reply.header('access-control-allow-origin', origin);
      reply.header('access-control-expose-headers', exposed);
    }
  };
}

/**
 * Sets what every answer carries whatever it is: the request id, the security headers that apply
 * to any answer, and CORS. The `onRequest` hook below applies it; the router's own answers, given
 * before any hook runs (a malformed URL: `frameworkErrors` in build.ts), apply it themselves.
 */
export function everyAnswerHeaders(
  corsOrigins: string,
): (request: FastifyRequest, reply: FastifyReply) => void {
  const cors = corsFor(corsOrigins);
  return (request, reply) => {
    reply.header('x-request-id', request.id);
    setAll(reply, EVERY_ANSWER);
    cors(request, reply);
  };
}

/**
 * The headers of every answer, set by one `onRequest` hook and one `onSend` hook for the whole
 * app: the request id, security headers, CORS (with preflights answered before rate limits and
 * authentication, which a browser's preflight cannot pass), and `connection: close` while shutting
 * down. One hook with precomputed values instead of helmet's and @fastify/cors's per-request
 * middleware chains: they were a large part of the cost of a small answer.
 */
export const edgePlugin = fp<EdgeOptions>(
  async (app, { corsOrigins }) => {
    const stamp = everyAnswerHeaders(corsOrigins);
    // Hooks on every request take a callback rather than being async: no promise per request.
    app.addHook('onRequest', (request, reply, done) => {
      stamp(request, reply);
      if (
        request.method === 'OPTIONS' &&
        request.headers.origin !== undefined &&
        request.headers['access-control-request-method'] !== undefined
      ) {
        setAll(reply, PREFLIGHT);
        reply.code(204).send();
        return;
      }
      done();
    });

    // During a graceful shutdown, answers to requests still in flight close their connection, so
    // keep-alive clients do not hold the server open until their idle timeout.
    let closing = false;
    app.addHook('preClose', async () => {
      closing = true;
    });
    app.addHook('onSend', (_request, reply, payload, done) => {
      if (!isJson(reply.getHeader('content-type'))) setAll(reply, DOCUMENT_ANSWER);
      if (closing) reply.header('connection', 'close');
      done(null, payload);
    });

    // Preflights are answered by the hook above; this route makes OPTIONS a known method on every
    // path, so what reaches it is an OPTIONS request that is not a preflight.
    app.options('*', { schema: { hide: true }, config: { rateLimit: false } }, () => {
      throw new AppError(
        'validation_failed',
        'An OPTIONS request here is a CORS preflight: send Origin and Access-Control-Request-Method',
      );
    });
  },
  { name: 'agora-edge' },
);
