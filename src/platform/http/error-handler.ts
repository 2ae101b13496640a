import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { COUNTRY_FORMAT, COUNTRY_MESSAGE } from '../countries.js';
import { AppError, type FieldError } from '../errors.js';
import { problemOf, STATUS_OF } from './problem.js';

interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** What a value outside one of our own formats is told (ajv would say `must match format "…"`). */
const FORMAT_MESSAGES: Record<string, string> = { [COUNTRY_FORMAT]: COUNTRY_MESSAGE };

const CONTEXT_PREFIX: Record<string, string> = {
  body: '/body',
  querystring: '/query',
  params: '/params',
  headers: '/headers',
};

/** Turns ajv's findings into `{path, message}` pairs that name the offending field. */
export function fieldErrors(issues: AjvIssue[], context: string | undefined): FieldError[] {
  const prefix = CONTEXT_PREFIX[context ?? 'body'] ?? '';
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const issue of issues) {
    let path = issue.instancePath;
    let message = issue.message ?? 'is invalid';
    if (issue.keyword === 'required') {
      path += `/${String(issue.params.missingProperty)}`;
      message = 'is required';
    } else if (issue.keyword === 'additionalProperties') {
      path += `/${String(issue.params.additionalProperty)}`;
      message = 'is not a known field';
    } else if (issue.keyword === 'format') {
      message = FORMAT_MESSAGES[String(issue.params.format)] ?? message;
    }
    const entry = { path: prefix + path, message };
    const key = `${entry.path} ${entry.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(entry);
    }
  }
  return out;
}

function toAppError(err: FastifyError & { validation?: AjvIssue[] }): AppError {
  if (err instanceof AppError) return err;
  if (err.validation) {
    const errors = fieldErrors(err.validation, err.validationContext);
    const summary = errors.map((e) => `${e.path} ${e.message}`).join('; ');
    return new AppError('validation_failed', `Invalid request: ${summary}`, {}, errors);
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', 'The request body is larger than this server accepts');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', 'Send the body as application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('validation_failed', 'The JSON body is empty', {}, [
        { path: '/body', message: 'is empty' },
      ]);
    case 'FST_ERR_BAD_URL':
      return new AppError('validation_failed', 'The request path is not valid percent-encoded UTF-8', {}, [
        { path: '/params', message: 'is not valid percent-encoding' },
      ]);
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new AppError('validation_failed', 'A path parameter is longer than this server accepts', {}, [
        { path: '/params', message: 'is too long' },
      ]);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('validation_failed', 'The body is not valid JSON', {}, [
        { path: '/body', message: 'is not valid JSON' },
      ]);
    default:
      break;
  }
  if (err instanceof SyntaxError && err.statusCode === 400) {
    return new AppError('validation_failed', 'The body is not valid JSON', {}, [
      { path: '/body', message: 'is not valid JSON' },
    ]);
  }
  const status = err.statusCode ?? 500;
  if (status === 404) return new AppError('not_found', 'Not found');
  if (status >= 400 && status < 500) return new AppError('validation_failed', err.message);
  return new AppError(
    'internal',
    'Something went wrong on our side; the request id identifies it in our logs',
  );
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, err: AppError): FastifyReply {
  const body = problemOf(err, request.id);
  const retryAfter = err.details.retryAfter;
  if (typeof retryAfter === 'number') reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfter))));
  // JSON.stringify, not the route's schema serializer: a problem's extension members are open
  // (`additionalProperties`), which fast-json-stringify handles by a slower key-by-key walk
  return reply
    .code(STATUS_OF[err.code])
    .type('application/problem+json; charset=utf-8')
    .serializer(JSON.stringify)
    .send(body);
}

/**
 * Fastify's `frameworkErrors`: the answers the router gives itself, before any hook runs (a path
 * that is not valid percent-encoded UTF-8, a path parameter over the router's length limit), as
 * problem+json like every other error. `stamp` sets the headers the edge's hooks would have set.
 */
export function frameworkErrorHandler(
  stamp: (request: FastifyRequest, reply: FastifyReply) => void,
): (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void {
  return (error, request, reply) => {
    stamp(request, reply);
    sendProblem(reply, request, toAppError(error));
  };
}

/**
 * The one place errors become HTTP answers: problem+json, no stack traces, SQL or internals. A
 * request no route took is a 405 `method_not_allowed` with `Allow` when its path has routes under
 * other methods (`allowedMethods`, asked only here), else a 404.
 */
export function installErrorHandling(
  app: FastifyInstance,
  allowedMethods: (request: FastifyRequest) => string[] = () => [],
): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = toAppError(error);
    if (appError.code === 'internal') request.log.error({ err: error }, 'unhandled error');
    else if (STATUS_OF[appError.code] >= 500) request.log.warn({ code: appError.code }, appError.message);
    return sendProblem(reply, request, appError);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    const allow = allowedMethods(request);
    // a route of this very method that handed the request on (the web app's page route for an
    // API path, a static file that is not there) leaves the path unknown to that method: a 404
    if (allow.length === 0 || allow.includes(request.method))
      return sendProblem(reply, request, new AppError('not_found', `No route for ${request.method} ${path}`));
    reply.header('allow', allow.join(', '));
    return sendProblem(
      reply,
      request,
      new AppError(
        'method_not_allowed',
        `${request.method} is not allowed on ${path}; use ${allow.join(', ')}`,
      ),
    );
  });
}
