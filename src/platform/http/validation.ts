import { Ajv, type Options, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { COUNTRY_FORMAT, isCountryCode } from '../countries.js';

// ajv-formats is CommonJS with a default export; under NodeNext its callable sits on `.default`.
const addFormats = addFormatsModule as unknown as { default: (ajv: Ajv) => Ajv };

function makeAjv(coerce: boolean, externalSchemas: object[]): Ajv {
  const options: Options = {
    removeAdditional: false,
    allErrors: true,
    useDefaults: true,
    coerceTypes: coerce ? 'array' : false,
    strict: false,
  };
  const ajv = new Ajv(options);
  addFormats.default(ajv);
  ajv.addFormat(COUNTRY_FORMAT, { type: 'string', validate: isCountryCode });
  for (const schema of externalSchemas) ajv.addSchema(schema);
  return ajv;
}

const instances = new Map<string, { strict: Ajv; coercing: Ajv }>();

/**
 * Fastify's validator factory (`schemaController.compilersFactory.buildValidator`), so every
 * encapsulated context gets it. Query strings, path parameters and headers are text, so their values
 * are coerced to the schema's types (`?limit=5`). JSON bodies are not: `"password": 12345678901` is a
 * wrong type, answered 400. Unknown properties are rejected, never silently dropped.
 */
export function buildValidator(externalSchemas: Record<string, unknown>): FastifySchemaCompiler<unknown> {
  // Contexts with the same shared schemas share their two Ajv instances: a new Ajv compiles its
  // meta-schema and formats again, which for a dozen module contexts was over a second of start-up.
  const key = JSON.stringify(externalSchemas);
  let pair = instances.get(key);
  if (!pair) {
    const shared = Object.values(externalSchemas) as object[];
    pair = { strict: makeAjv(false, shared), coercing: makeAjv(true, shared) };
    instances.set(key, pair);
  }
  const { strict, coercing } = pair;
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? strict : coercing;
    const id = (schema as { $id?: string }).$id;
    // Compiled on first use, not at start-up: compiling every route's schemas was a tenth of the
    // time to first request and of the idle heap. Fastify reads `errors` off the function it holds.
    let compiled: ValidateFunction | undefined;
    const validate = ((data: unknown) => {
      compiled ??= ((id && ajv.getSchema(id)) || ajv.compile(schema as object)) as ValidateFunction;
      const valid = compiled(data);
      validate.errors = compiled.errors;
      return valid;
    }) as ValidateFunction;
    return validate;
  };
}
