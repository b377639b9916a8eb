import type { ErrorObject, ValidateFunction } from 'ajv';
import type { CloudEvent } from '../bus/envelope.ts';
import { createError } from '../errors/errors.ts';
import { createDataSchemaCompiler } from './compile-data-schema.ts';
import { modelEventFor, type LoadedDomainModel } from './load-domain-models.ts';

/**
 * What a published event's data that its model refuses does: `strict` refuses the publish
 * (WOW_ERR_EVENT_SCHEMA), `warn` lets it through and reports it, `off` checks nothing.
 */
export type EventSchemaCheckMode = 'strict' | 'warn' | 'off';

export interface EventSchemaMismatch {
  type: string;
  model: string;
  version: number;
  /** Where in the data: "data.ticketId", "data" for the whole. */
  field: string;
  problem: string;
}

export interface EventSchemaCheck {
  readonly mode: EventSchemaCheckMode;
  /** Throws WOW_ERR_EVENT_SCHEMA (strict) or reports (warn) when `event.data` breaks its model; types no model describes pass. */
  check(event: CloudEvent): void;
}

interface Compiled {
  model: string;
  version: number;
  validate: ValidateFunction;
}

/**
 * The check every publish passes (platform/bus/create-bus.ts, and an agent's outbox writes):
 * each event type's data against the JSON Schema of the domain model describing it (its
 * own entry, or its family's, `github.*`). Every schema is compiled once, here. A type no
 * model describes is not checked here: WowVision's `domain` rule requires a model for every
 * type an agent declares.
 */
export function createEventSchemaCheck(opts: {
  models: readonly LoadedDomainModel[];
  mode: EventSchemaCheckMode;
  /** Told of each mismatch in `warn` mode (a log line, a counter). */
  onMismatch?: (mismatch: EventSchemaMismatch) => void;
}): EventSchemaCheck {
  const compiler = createDataSchemaCompiler();
  const byEntry = new Map<string, Compiled>();
  for (const { file, model } of opts.models)
    for (const event of model.events) {
      const compiled = compiler.compile(event.data);
      // The loader compiled the same schema already: a failure here is a model loaded past its checks.
      if ('problem' in compiled) throw new Error(`${file}: ${event.type}: ${compiled.problem}`);
      byEntry.set(event.type, { model: file, version: event.version, validate: compiled.validate });
    }
  // A type's validator, found once: its own entry or its family's (none: undefined, remembered too).
  const forType = new Map<string, Compiled | undefined>();
  const validatorOf = (type: string) => {
    if (!forType.has(type)) {
      const entry = modelEventFor(opts.models, type);
      forType.set(type, entry === undefined ? undefined : byEntry.get(entry.event.type));
    }
    return forType.get(type);
  };
  return {
    mode: opts.mode,
    check(event) {
      if (opts.mode === 'off') return;
      const compiled = validatorOf(event.type);
      if (compiled === undefined || compiled.validate(event.data)) return;
      const mismatch = {
        type: event.type,
        model: compiled.model,
        version: compiled.version,
        ...describe(compiled.validate.errors?.[0]),
      };
      if (opts.mode === 'strict') throw createError('WOW_ERR_EVENT_SCHEMA', { ...mismatch });
      opts.onMismatch?.(mismatch);
    },
  };
}

/** The field an ajv error is about, named from the data's root, and what is wrong with it. */
function describe(error: ErrorObject | undefined): { field: string; problem: string } {
  if (error === undefined) return { field: 'data', problem: 'does not match' };
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  if (params.missingProperty !== undefined)
    return { field: ['data', ...path, params.missingProperty].join('.'), problem: 'is required and missing' };
  if (params.additionalProperty !== undefined)
    return { field: ['data', ...path, params.additionalProperty].join('.'), problem: 'is not in the schema' };
  return { field: ['data', ...path].join('.'), problem: error.message ?? 'does not match' };
}
