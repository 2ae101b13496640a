import FindMyWay from 'find-my-way';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Route config of a catch-all that answers for paths no resource owns (the web app's client-side
 * routes, `GET /*`): its match makes no path exist, so `POST /v1/nope` stays a 404 rather than a
 * 405 allowing GET.
 */
export const CATCH_ALL = { catchAll: true } as const;

/** The order of `Allow`: the common methods as RFC 9110 lists them, then any other. */
const ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const rank = (method: string) => {
  const i = ORDER.indexOf(method);
  return i === -1 ? ORDER.length : i;
};

type Router = FindMyWay.Instance<FindMyWay.HTTPVersion.V1>;
type Method = FindMyWay.HTTPMethod;

/**
 * The methods the app serves on a request's path, for the 405 answer's `Allow` (the not-found
 * handler's question; Fastify's router answers one method at a time and only for the request's).
 *
 * `onRoute` records each route's method and pattern (Fastify's own `HEAD` for a GET route too),
 * which costs every other request nothing; the first not-found request builds a second
 * find-my-way router of those patterns with Fastify's options, and each one after asks it, once per
 * method, which pattern its path matches. `app.hasRoute` confirms each pattern: Fastify also serves
 * a prefixed plugin's `/` route at `<prefix>/` without telling `onRoute`, so that variant is
 * recorded on a guess the confirmation drops where it does not exist. Call before the routes are
 * registered.
 */
export function allowedMethodsOf(
  app: FastifyInstance,
  routerOptions: FindMyWay.Config<FindMyWay.HTTPVersion.V1>,
): (request: FastifyRequest) => string[] {
  const routes: { method: Method; url: string }[] = [];
  app.addHook('onRoute', (route) => {
    if ((route.config as { catchAll?: boolean } | undefined)?.catchAll) return;
    const urls = route.prefix && route.url === route.prefix ? [route.url, `${route.url}/`] : [route.url];
    for (const method of [route.method].flat())
      for (const url of urls) routes.push({ method: method as Method, url });
  });

  let router: Router | undefined;
  let methods: Method[] = [];
  const build = (): Router => {
    // the query string is not ours to read here: skip parsing it on every find
    const built = FindMyWay({ ...routerOptions, querystringParser: () => ({}) });
    const seen = new Set<string>();
    for (const { method, url } of routes) {
      const key = `${method} ${url}`;
      if (seen.has(key)) continue;
      seen.add(key);
      built.on(method, url, () => undefined, { url });
    }
    methods = [...new Set(routes.map((r) => r.method))].sort((a, b) => rank(a) - rank(b));
    return built;
  };

  return (request) => {
    router ??= build();
    const path = request.raw.url ?? request.url;
    const allowed: string[] = [];
    for (const method of methods) {
      const found = router.find(method, path, {});
      const url = (found?.store as { url: string } | undefined)?.url;
      if (url !== undefined && app.hasRoute({ method, url })) allowed.push(method);
    }
    return allowed;
  };
}
