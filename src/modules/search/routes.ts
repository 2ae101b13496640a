import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AnyDb } from '../../platform/db.js';
import type { NearCache } from '../../platform/near-cache.js';
import { problems } from '../../platform/http/problem.js';
import { SearchQuery, SearchResult, SuggestQuery, Suggestions } from './schemas.js';
import * as service from './service.js';

/** Sends JSON serialized already: Fastify sends a string with a JSON content type as it is. */
function sendSerialized(reply: FastifyReply, json: string) {
  return reply.type('application/json; charset=utf-8').send(json);
}

export function searchRoutes(deps: { db: AnyDb; cache: NearCache }): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['search'];
    const { db } = deps;

    app.get(
      '/v1/search',
      { schema: { tags, querystring: SearchQuery, response: { 200: SearchResult, ...problems(400) } } },
      async (req, reply) =>
        sendSerialized(reply, await service.cachedSearchJson({ db }, deps.cache, req.query)),
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
