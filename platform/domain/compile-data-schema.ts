import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

/**
 * Compiles the JSON Schemas of domain models' event data (draft 2020-12). Strict: an
 * unknown keyword (`requird`) is an error in the model, not a schema that accepts anything.
 * One compiler per set of models, each schema compiled once.
 */
export interface DataSchemaCompiler {
  /** The validator of `schema`, or the reason it is no JSON Schema. */
  compile(schema: Record<string, unknown>): { validate: ValidateFunction } | { problem: string };
}

export function createDataSchemaCompiler(): DataSchemaCompiler {
  // Formats (uuid, date-time) are annotations: the models say what a field holds, and the
  // senders' own zod schemas check its form.
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: false, validateFormats: false });
  return {
    compile(schema) {
      try {
        return { validate: ajv.compile(schema) };
      } catch (err) {
        return { problem: (err as Error).message.slice(0, 300) };
      }
    },
  };
}
