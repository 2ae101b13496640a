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
    return slug ? [reads.product(slug), reads.categories] : [];
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

for (const path of readsOf(location.pathname, new URLSearchParams(location.search))) {
  const response = fetch(path, { headers: { accept: 'application/json' } });
  // A failure is the client's to report when it takes the answer (as a network error).
  response.catch(() => undefined);
  early.set(path, response);
}

/** The answer to a GET of `path` started on page load, once; `undefined` if there is none. */
export function takeEarlyRead(path: string): Promise<Response> | undefined {
  const response = early.get(path);
  if (!response) return undefined;
  early.delete(path);
  return performance.now() < USABLE_MS ? response : undefined;
}
