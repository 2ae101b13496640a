import fp from 'fastify-plugin';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CATCH_ALL } from './allowed-methods.js';

export interface WebAppOptions {
  /** Directory of the built web app (`web/dist`): `index.html` and hashed files under `assets/`. */
  root: string;
}

/** Paths that belong to the API and operations; they never fall back to the web app. */
const SERVER_PATHS = /^\/(?:v1|docs|openapi\.json|healthz|readyz|metrics|\.well-known)(?:[/?]|$)/;

/** Vite names every file under assets/ by its content hash, so a given URL never changes. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The web app's pages are same-origin only: scripts and styles from our own files, API calls to
 * ourselves, product images from any https host.
 */
export const WEB_APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' https: data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the built web app from `root`: its files as they are, and `index.html` for every other
 * GET that asks for a page (client-side routes such as `/products/some-slug`). API and operations
 * paths, and requests that do not accept HTML, keep the problem+json 404.
 */
export const webAppPlugin = fp<WebAppOptions>(
  async (app, { root }) => {
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      wildcard: false,
      index: false,
      cacheControl: false,
      // The build writes `.br` and `.gz` copies of the assets; each client gets the one it accepts.
      preCompressed: true,
      setHeaders(res, filePath) {
        const isAsset = /[\\/]assets[\\/]/.test(filePath);
        res.setHeader('cache-control', isAsset ? IMMUTABLE : 'no-cache');
        // Caches must keep the compressed and the plain answer of an asset apart.
        if (isAsset) res.setHeader('vary', 'accept-encoding');
        if (filePath.endsWith('.html')) res.setHeader('content-security-policy', WEB_APP_CSP);
      },
    });

    const page = async (request: FastifyRequest, reply: FastifyReply) => {
      const accept = request.headers.accept ?? '';
      if (SERVER_PATHS.test(request.url) || !accept.includes('text/html')) {
        return reply.callNotFound();
      }
      return reply.sendFile('index.html');
    };
    app.get('/', { schema: { hide: true }, config: { rateLimit: false } }, page);
    app.get('/*', { schema: { hide: true }, config: { rateLimit: false, ...CATCH_ALL } }, page);
  },
  { name: 'agora-web-app' },
);
