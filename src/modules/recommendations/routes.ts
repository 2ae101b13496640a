import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ctxOf } from '../../platform/context.js';
import type { AnyDb } from '../../platform/db.js';
import { problems } from '../../platform/http/problem.js';
import { ProductSummary, Recommendations, RecommendationsParams, RecommendationsQuery } from './schemas.js';
import { ANSWER_TTL_SECONDS, recommend, type RecommendationsDeps } from './service.js';

export function recommendationsRoutes(deps: RecommendationsDeps & { db: AnyDb }): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    app.addSchema(ProductSummary);
    const { db } = deps;

    app.get(
      '/v1/products/:idOrSlug/recommendations',
      {
        schema: {
          tags: ['recommendations'],
          description:
            'Customers who bought this also bought: products bought in the same orders, then best sellers',
          params: RecommendationsParams,
          querystring: RecommendationsQuery,
          response: { 200: Recommendations, ...problems(400, 404) },
        },
      },
      async (req, reply) => {
        const answer = await recommend(ctxOf(req, db), deps, req.params.idOrSlug, req.query.limit);
        // an answer put off by the degraded mode is not to be kept once the mode is over
        reply.header('cache-control', answer.degraded ? 'no-store' : `public, max-age=${ANSWER_TTL_SECONDS}`);
        return answer;
      },
    );
  };
}
