import SerializerSelector from '@fastify/fast-json-stringify-compiler';

const fastJsonStringify = SerializerSelector();

/**
 * Fastify's serializer factory (`schemaController.compilersFactory.buildSerializer`): its own
 * (fast-json-stringify), with each response schema compiled on first use rather than when the
 * route is registered. Building every route's serializers was a tenth of the time to first
 * request; most routes of a given process never answer, and a route that does pays once.
 */
export const buildSerializer: SerializerSelector.SerializerFactory = (externalSchemas, options) => {
  const compile = fastJsonStringify(externalSchemas, options);
  return (route) => {
    let serialize: SerializerSelector.Serializer | undefined;
    return (data) => (serialize ??= compile(route))(data);
  };
};
