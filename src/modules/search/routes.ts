import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AnyDb } from '../../platform/db.js';
import type { NearCache } from '../../platform/near-cache.js';
import { problems } from '../../platform/http/problem.js';
import { SearchQuery, SearchResult, SuggestQuery, Suggestions, type SearchHit } from './schemas.js';
import { MatchSets } from './match-sets.js';
import * as service from './service.js';

/** Sends JSON serialized already: Fastify sends a string with a JSON content type as it is. */
function sendSerialized(reply: FastifyReply, json: string) {
  return reply.type('application/json; charset=utf-8').send(json);
}

/**
 * Running flash-sale offers by product, served from memory by the flash-sales module and passed in
 * by the composition root (search does not depend on it).
 */
export interface SearchSaleOverlay {
  anyRunning(): boolean;
  forProducts(productIds: readonly string[]): Map<string, NonNullable<SearchHit['flashSale']>>;
}

/** Lays the running offers over a cached answer; parses it only while some sale runs. */
export function withOffers(json: string, overlay: SearchSaleOverlay | undefined): string {
  if (!overlay?.anyRunning()) return json;
  const body = JSON.parse(json) as { items: SearchHit[] };
  const offers = overlay.forProducts(body.items.map((h) => h.id));
  if (!offers.size) return json;
  for (const hit of body.items) {
    const offer = offers.get(hit.id);
    if (offer) hit.flashSale = offer;
  }
  return JSON.stringify(body);
}

export function searchRoutes(deps: {
  db: AnyDb;
  cache: NearCache;
  saleOverlay?: SearchSaleOverlay;
}): FastifyPluginAsync {
  const sets = new MatchSets(service.ANSWER_TTL_SECONDS * 1000);
  return async (root) => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['search'];
    const { db } = deps;

    app.get(
      '/v1/search',
      { schema: { tags, querystring: SearchQuery, response: { 200: SearchResult, ...problems(400) } } },
      async (req, reply) =>
        sendSerialized(
          reply,
          withOffers(await service.cachedSearchJson({ db }, deps.cache, sets, req.query), deps.saleOverlay),
        ),
    );

    app.get(
      '/v1/search/suggest',
      { schema: { tags, querystring: SuggestQuery, response: { 200: Suggestions, ...problems(400) } } },
      async (req, reply) => {
        reply.header('cache-control', 'public, max-age=60');
        return { items: await service.suggest({ db }, req.query.q) };
      },
    );
  };
}
