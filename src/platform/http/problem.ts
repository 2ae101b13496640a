import { Type } from 'typebox';
import type { AppError } from '../errors.js';
import { type ErrorCode } from '../errors.js';

/** HTTP status of each API error code. The only place where domain codes meet HTTP. */
export const STATUS_OF: Record<ErrorCode, number> = {
  validation_failed: 400,
  unauthorized: 401,
  payment_declined: 402,
  forbidden: 403,
  sale_not_active: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  out_of_stock: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
  limit_exceeded: 429,
  rate_limited: 429,
  internal: 500,
  payment_unavailable: 503,
  overloaded: 503,
  unavailable: 503,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** RFC 9457 problem details, as every error answer carries them. */
export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    detail: Type.String(),
    requestId: Type.String(),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  },
  { $id: 'Problem', additionalProperties: true, description: 'RFC 9457 problem details' },
);

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  requestId: string;
  errors?: { path: string; message: string }[];
  [extra: string]: unknown;
}

/** The problem body of an error: the standard members first, then the error's own details. */
export function problemOf(err: AppError, requestId: string): ProblemBody {
  const status = STATUS_OF[err.code];
  const body: ProblemBody = {
    type: `urn:agora:problem:${err.code}`,
    title: TITLES[status] ?? 'Error',
    status,
    code: err.code,
    detail: err.message,
    requestId,
  };
  if (err.errors) body.errors = err.errors;
  // details extend the body; they never replace a standard member
  for (const key in err.details) if (!(key in body)) body[key] = err.details[key];
  return body;
}

/** Response schemas for the error statuses a route can answer, for its OpenAPI entry. */
export function problems(...statuses: number[]) {
  return Object.fromEntries(statuses.map((s) => [s, Type.Ref('Problem')]));
}
