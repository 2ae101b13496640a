import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { ValidationError, type FieldError } from '../errors.js';

const NUL = '\u0000';
const MESSAGE = 'must not contain the NUL character (U+0000)';
const KEY_MESSAGE = 'is a field name containing the NUL character (U+0000)';

/** A JSON pointer's reference token for `key` (RFC 6901), as ajv's `instancePath` writes it. */
function token(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * The fields of `value`, a parsed JSON body, query or set of path parameters, whose string or
 * property name contains U+0000, each named by its JSON pointer under `prefix` (`/body`, `/query`,
 * `/params`). PostgreSQL's text cannot hold NUL, so such a value would fail in the database as a 500.
 * Iterative, so a deeply nested body cannot exhaust the stack.
 */
export function nulFieldErrors(value: unknown, prefix: string): FieldError[] {
  const out: FieldError[] = [];
  const pending: [unknown, string][] = [[value, prefix]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [item, path] = next;
    if (typeof item === 'string') {
      if (item.includes(NUL)) out.push({ path, message: MESSAGE });
    } else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) pending.push([item[i], `${path}/${i}`]);
    } else if (typeof item === 'object' && item !== null) {
      const entries = Object.entries(item as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i];
        const childPath = `${path}/${token(key)}`;
        if (key.includes(NUL)) out.push({ path: childPath, message: KEY_MESSAGE });
        pending.push([child, childPath]);
      }
    }
  }
  return out;
}

/**
 * The NUL fields of a request's path parameters and query. A request for no route is left to the
 * not-found answer.
 */
function urlNulErrors(request: FastifyRequest): FieldError[] {
  if (request.is404) return [];
  return [...nulFieldErrors(request.params, '/params'), ...nulFieldErrors(request.query, '/query')];
}

function nulError(errors: FieldError[]): ValidationError {
  return new ValidationError(
    errors,
    `Invalid request: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`,
  );
}

/**
 * One rule for every route: a string containing U+0000 in the path parameters, query or JSON body
 * is a 400 `validation_failed` naming the fields, before any handler runs. The request path pays a
 * substring test on text already at hand, and only a hit walks the parsed values to name the fields:
 *
 * - the URL, for `%00` (the only percent-encoding that decodes to U+0000), in an `onRequest` hook
 *   after the rate limit: the chain runs for every request anyway, where a `preValidation` hook
 *   would add a hook phase to each. So a URL with a NUL is refused before its body is read, and the
 *   answer names the URL's fields only;
 * - the raw JSON body, for `\u0000` (the only way JSON can spell a NUL; a raw NUL byte is invalid
 *   JSON), in Fastify's own JSON parser, wrapped. Contexts that replace the JSON parser (signed
 *   webhooks that keep the raw text) check their own bodies, e.g. with `nulFieldErrors`.
 */
export const nulGuardPlugin = fp(
  async (app) => {
    const { onProtoPoisoning, onConstructorPoisoning } = app.initialConfig;
    const parseJson = app.getDefaultJsonParser(
      onProtoPoisoning ?? 'error',
      onConstructorPoisoning ?? 'error',
    );
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      const text = body as string;
      if (!text.includes('\\u0000')) {
        void parseJson(request, text, done);
        return;
      }
      // Fastify's parser answers through `done`; it returns nothing (typed as maybe a promise).
      void parseJson(request, text, (err, value) => {
        if (err || request.is404) {
          done(err, value);
          return;
        }
        const errors = nulFieldErrors(value, '/body');
        if (errors.length > 0) done(nulError(errors), undefined);
        else done(null, value);
      });
    });

    app.addHook('onRequest', (request, _reply, done) => {
      if (!request.url.includes('%00')) {
        done();
        return;
      }
      const errors = urlNulErrors(request);
      done(errors.length > 0 ? nulError(errors) : undefined);
    });
  },
  { name: 'agora-nul-guard' },
);
