import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

/**
 * Compiles the JSON Schemas of domain models' event data (draft 2020-12). Strict: an
 * unknown keyword (`requird`) is an error in the model, not a schema that accepts anything.
 */
export interface DataSchemaCompiler {
  /** The validator of `schema`, or the reason it is no JSON Schema. */
  compile(schema: Record<string, unknown>): { validate: ValidateFunction } | { problem: string };
}

type Compiled = { validate: ValidateFunction } | { problem: string };

// What a schema's text compiles to, for the process: the models are read again and again
// (every review, every generated agent, every platform start in a test run) and compiling
// their ~200 schemas was most of a read. A validator keeps no state between calls that
// matters here (its `errors` are read right after the call that sets them). Bounded: the
// oldest entries go first.
const compiledByText = new Map<string, Compiled>();
const maxCompiled = 4_000;

export function createDataSchemaCompiler(): DataSchemaCompiler {
  // One Ajv per set of models, made on the first schema the cache lacks: a set's schemas
  // never share an Ajv with another set's (an `$id` may be defined only once per instance).
  let ajv: Ajv2020 | undefined;
  return {
    compile(schema) {
      const text = JSON.stringify(schema);
      // A schema that names itself ($id) is compiled in its set's Ajv, which refuses a second of that name.
      const shared = !text.includes('"$id"');
      const known = shared ? compiledByText.get(text) : undefined;
      if (known !== undefined) return known;
      // Formats (uuid, date-time) are annotations: the models say what a field holds, and the
      // senders' own zod schemas check its form.
      ajv ??= new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: false, validateFormats: false });
      let compiled: Compiled;
      try {
        compiled = { validate: ajv.compile(schema) };
      } catch (err) {
        compiled = { problem: (err as Error).message.slice(0, 300) };
      }
      if (!shared) return compiled;
      if (compiledByText.size >= maxCompiled) compiledByText.delete(compiledByText.keys().next().value ?? '');
      compiledByText.set(text, compiled);
      return compiled;
    },
  };
}
