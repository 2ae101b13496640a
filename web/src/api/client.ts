import { takeArrivedRead, takeEarlyRead, type EarlyBody } from '../early-reads';
import { session } from './session';
import type { AuthResult, Problem } from './types';

export { withQuery } from './paths';

/** A failed API call, carrying the problem+json the server answered with. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  /** Seconds the server asked to wait (`Retry-After`), on a 429 or 503. */
  readonly retryAfter: number | undefined;
  /** The problem's stable machine code (`out_of_stock`, `payment_declined`, ...). */
  get code(): string | undefined {
    return this.problem.code;
  }
  constructor(problem: Problem, retryAfter?: number) {
    super(problem.detail ?? problem.title ?? `Request failed (${problem.status})`);
    this.name = 'ApiError';
    this.status = problem.status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  /** A raw body sent as it is (a CSV file), with `contentType`. */
  raw?: Blob | string;
  contentType?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

async function send(path: string, opts: RequestOptions, token: string | undefined): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.raw !== undefined) headers['content-type'] = opts.contentType ?? 'application/octet-stream';
  if (token) headers.authorization = `Bearer ${token}`;
  const plainRead =
    !token && (opts.method ?? 'GET') === 'GET' && opts.raw === undefined && opts.headers === undefined;
  try {
    const early = plainRead ? takeEarlyRead(path) : undefined;
    if (early) return await early;
    return await fetch(path, {
      method: opts.method ?? 'GET',
      headers,
      body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
      signal: opts.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError({
      status: 0,
      title: 'Network error',
      detail: 'Could not reach the server. Check your connection and try again.',
    });
  }
}

async function parse<T>(res: Response): Promise<T> {
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const body: unknown = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const problem = (body && typeof body === 'object' ? body : {}) as Problem;
    const retryAfter = Number(res.headers.get('retry-after'));
    throw new ApiError({ ...problem, status: res.status }, retryAfter > 0 ? retryAfter : undefined);
  }
  return body as T;
}

let refreshing: Promise<boolean> | null = null;

/**
 * Exchanges the stored refresh token for a new pair, once at a time: two calls racing with the same
 * (single-use) token would make the server revoke the whole session.
 */
export function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    const refreshToken = session.refreshToken();
    if (!refreshToken) return false;
    try {
      const res = await send('/v1/auth/refresh', { method: 'POST', body: { refreshToken } }, undefined);
      if (res.status === 401 || res.status === 400) {
        session.clear();
        return false;
      }
      session.signIn(await parse<AuthResult>(res));
      return true;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/**
 * Calls the API with the signed-in user's access token. On a 401 it refreshes the session once
 * and retries; if that fails the user is signed out and the 401 is thrown.
 */
export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const token = session.get()?.accessToken;
  const res = await send(path, opts, token);
  if (res.status === 401 && session.refreshToken()) {
    if (await refreshSession()) return parse<T>(await send(path, opts, session.get()?.accessToken));
  }
  return parse<T>(res);
}

/**
 * Query options that start a public read's query from the page load's early read of `path` when
 * its answer has already arrived (`early-reads.ts`): the page's first render then shows the data,
 * instead of a loading state followed by a second render. Otherwise the query asks as usual (and
 * still takes the early read's answer once it comes). Like `api()`, only without an access token.
 */
export function arrivedData<T>(path: string): {
  initialData: () => T | undefined;
  initialDataUpdatedAt: () => number | undefined;
} {
  let taken: EarlyBody | undefined;
  return {
    initialData: () => {
      taken = session.get()?.accessToken ? undefined : takeArrivedRead(path);
      return taken?.body as T | undefined;
    },
    initialDataUpdatedAt: () => taken?.at,
  };
}

/**
 * The server's message for one field of the request body, when it refused it: `field` is its path
 * within the body (`name`, `items/0/sku`); the problem's `errors` name it `/body/items/0/sku`.
 */
export function fieldError(err: unknown, field: string): string | undefined {
  if (!(err instanceof ApiError)) return undefined;
  return err.problem.errors?.find((e) => e.path.replace(/^\/body(?=\/)/, '') === `/${field}`)?.message;
}

/** The message to show a person for a failed call: the problem's `detail`. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return 'Something went wrong';
}
