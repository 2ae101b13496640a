import http from 'node:http';
import https from 'node:https';
import { currentTraceparent, SpanKind, traced } from '../../platform/tracing.js';
import { guardedLookup, refusedAddress } from './url-guard.js';

export interface PostResult {
  status: number;
}

/**
 * POSTs a body with a hard timeout over the whole exchange. Connections go only to addresses the
 * SSRF guard accepts (checked on the resolved address, see `guardedLookup`); redirects are not
 * followed. The response body is drained and ignored. With tracing on, the request is a CLIENT
 * span and carries its `traceparent`.
 */
export function postJson(
  rawUrl: string,
  body: string,
  headers: Record<string, string>,
  opts: { timeoutMs: number; allowPrivate: boolean },
): Promise<PostResult> {
  const url = new URL(rawUrl);
  return traced(
    'POST',
    SpanKind.CLIENT,
    {
      'http.request.method': 'POST',
      'server.address': url.hostname,
      'url.full': `${url.origin}${url.pathname}`,
    },
    async (span) => {
      const traceparent = currentTraceparent();
      const result = await post(url, body, traceparent ? { ...headers, traceparent } : headers, opts);
      span?.setAttribute('http.response.status_code', result.status);
      return result;
    },
  );
}

function post(
  url: URL,
  body: string,
  headers: Record<string, string>,
  opts: { timeoutMs: number; allowPrivate: boolean },
): Promise<PostResult> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const literalRefusal = /^[\d.]+$|:/.test(host) ? refusedAddress(host, opts.allowPrivate) : null;
  if (literalRefusal && literalRefusal !== 'not an IP address')
    return Promise.reject(new Error(`refused ${host}: ${literalRefusal}`));
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: 'POST',
        lookup: guardedLookup(opts.allowPrivate),
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
        signal: AbortSignal.timeout(opts.timeoutMs),
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
