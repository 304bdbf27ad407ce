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

export const lazyCompilersFactory = {
  buildValidator(externalSchemas: unknown, ajvOptions: unknown) {
    const build = (AjvCompiler as unknown as () => (schemas: unknown, options: unknown) => (route: unknown) => Validate)()(externalSchemas, ajvOptions);
    return (route: unknown) => lazyValidator(() => build(route));
  },
  buildSerializer(externalSchemas: unknown, serializerOptions: unknown) {
    const build = (SerializerSelector as unknown as () => (schemas: unknown, options: unknown) => (route: unknown) => Serialize)()(externalSchemas, serializerOptions);
    return (route: unknown) => lazySerializer(() => build(route));
  },
};
