import AjvCompiler from '@fastify/ajv-compiler';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

/**
 * Fastify compiles every route's validators and serializers when the server starts, which with
 * over a hundred routes is most of the start-up time. These factories build the same compilers
 * (Fastify's own) but compile each schema on its first use: a route costs nothing until someone
 * calls it, and the first served request comes sooner.
 */
type Validate = ((data: unknown) => boolean) & { errors?: unknown };
type Serialize = (data: unknown) => string;

function lazyValidator(compile: () => Validate): Validate {
  let real: Validate | undefined;
  const validate: Validate = (data: unknown) => {
    real ??= compile();
    const valid = real(data);
    // Fastify reads `errors` from the function it was given, after calling it.
    validate.errors = real.errors;
    return valid;
  };
  return validate;
}

function lazySerializer(compile: () => Serialize): Serialize {
  let real: Serialize | undefined;
  return (data: unknown) => (real ??= compile())(data);
}

type AjvOptions = { customOptions?: Record<string, unknown> } & Record<string, unknown>;
type BuildValidator = (schemas: unknown, options: unknown) => (route: { httpPart?: string }) => Validate;

// Fastify asks for a validator builder per plugin context; one compiler each keeps Fastify's
// cache of Ajv instances across them.
const coercingCompiler = (AjvCompiler as unknown as () => BuildValidator)();
const exactCompiler = (AjvCompiler as unknown as () => BuildValidator)();

export const lazyCompilersFactory = {
  /**
   * Query strings, path parameters and headers arrive as text and are coerced to their schema's
   * types ("?limit=5" is a number). JSON bodies are typed already and are not: coercion would turn
   * a `null` meant to clear a field into "" or 0 when the schema allows null as a second choice.
   * The Ajv instances themselves are made on first use too.
   */
  buildValidator(externalSchemas: unknown, ajvOptions: AjvOptions) {
    let coercing: ReturnType<BuildValidator> | undefined;
    let exact: ReturnType<BuildValidator> | undefined;
    return (route: { httpPart?: string }) =>
      lazyValidator(() =>
        route.httpPart === 'body'
          ? (exact ??= exactCompiler(externalSchemas, { ...ajvOptions, customOptions: { ...ajvOptions.customOptions, coerceTypes: false } }))(route)
          : (coercing ??= coercingCompiler(externalSchemas, ajvOptions))(route),
      );
  },
  buildSerializer(externalSchemas: unknown, serializerOptions: unknown) {
    const build = (SerializerSelector as unknown as () => (schemas: unknown, options: unknown) => (route: unknown) => Serialize)()(externalSchemas, serializerOptions);
    return (route: unknown) => lazySerializer(() => build(route));
  },
};
