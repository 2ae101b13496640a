import { NEW_ARRIVALS, reads, searchQuery } from './api/paths';

/*
 * A first visit's API reads, started while the app's script is still loading: `index.html` runs
 * this small module on its own (async), before the app has been parsed, so the storefront's data
 * is on its way in parallel with the app instead of after it. The client (`api()`) takes each
 * answer once, for the same path, asked without a token: the same request it would have sent.
 */

/** The reads each storefront page starts with (the same the page's hooks ask for). */
function readsOf(pathname: string, params: URLSearchParams): string[] {
  if (pathname === '/')
    return [
      reads.products(NEW_ARRIVALS),
      reads.categories,
      reads.flashSales('active'),
      reads.flashSales('scheduled'),
    ];
  const product = /^\/products\/([^/]+)\/?$/.exec(pathname);
  if (product?.[1]) {
    const slug = decoded(product[1]);
    return slug ? [reads.product(slug), reads.categories, reads.recommendations(slug)] : [];
  }
  if (pathname === '/search' || pathname === '/search/')
    return [reads.search(searchQuery(params)), reads.categories];
  if (pathname.startsWith('/categories/')) return [reads.categories];
  return [];
}

function decoded(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** An early answer is for the page being loaded; later the app asks for itself. */
const USABLE_MS = 10_000;

const early = new Map<string, Promise<Response>>();

/** A 200 answer's body, parsed as soon as it arrived, and when (epoch ms). */
export interface EarlyBody {
  body: unknown;
  at: number;
}
const arrived = new Map<string, EarlyBody>();

for (const path of readsOf(location.pathname, new URLSearchParams(location.search))) {
  const response = fetch(path, { headers: { accept: 'application/json' } });
  early.set(path, response);
  // A 200 is parsed on arrival, so the app's first render can show it; anything else (a 404, a
  // network error) is the client's to report when it takes the answer.
  response
    .then(async (res) => {
      if (res.status !== 200) return;
      const body: unknown = await res.clone().json();
      if (early.get(path) === response) arrived.set(path, { body, at: Date.now() });
    })
    .catch(() => undefined);
}

/** The answer to a GET of `path` started on page load, once; `undefined` if there is none. */
export function takeEarlyRead(path: string): Promise<Response> | undefined {
  const response = early.get(path);
  if (!response) return undefined;
  early.delete(path);
  arrived.delete(path);
  return performance.now() < USABLE_MS ? response : undefined;
}

/**
 * The parsed 200 answer to a GET of `path` started on page load, if it has already arrived, once
 * (like `takeEarlyRead`); `undefined` if not (yet), and the client asks as usual.
 */
export function takeArrivedRead(path: string): EarlyBody | undefined {
  const body = arrived.get(path);
  if (!body) return undefined;
  early.delete(path);
  arrived.delete(path);
  return performance.now() < USABLE_MS ? body : undefined;
}
