import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { typeMatches } from '../bus/envelope.ts';
import { createError } from '../errors/errors.ts';
import { parseYamlWith } from '../yaml/parse-yaml-with.ts';
import type { YamlWithPositions } from '../yaml/read-yaml.ts';
import { createDataSchemaCompiler, type DataSchemaCompiler } from './compile-data-schema.ts';
import { domainModelSchema, type DomainModel, type ModelEvent } from './model-schema.ts';

export interface LoadedDomainModel {
  /** The domain's folder. */
  dir: string;
  /** The model.yml path, as given in error messages. */
  file: string;
  model: DomainModel;
}

/** Bounds a hostile or runaway file before it is parsed. */
const maxModelBytes = 512 * 1024;

/** Every `<domainsDir>/<name>/model.yml`, or one error listing every problem of all of them. */
export async function loadDomainModels(domainsDir: string): Promise<LoadedDomainModel[]> {
  const { models, problems } = await readDomainModels(domainsDir);
  if (problems.length > 0)
    throw createError('WOW_ERR_DOMAIN_MODEL_INVALID', {
      count: problems.length,
      problems: '\n' + problems.map((p) => `  ${p}`).join('\n'),
    });
  return models;
}

/** Every model that loads, and every problem of those that do not, each "file:line:column path: problem". */
export async function readDomainModels(
  domainsDir: string,
): Promise<{ models: LoadedDomainModel[]; problems: string[] }> {
  const entries = await readdir(domainsDir, { withFileTypes: true }).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []; // A checkout without domains.
    throw err;
  });
  const loaded: LoadedDomainModel[] = [];
  const problems: string[] = [];
  const compiler = createDataSchemaCompiler();
  for (const folder of entries
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()) {
    const dir = join(domainsDir, folder);
    const path = join(dir, 'model.yml');
    const text = await readFile(path, 'utf8').catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // No model yet.
      throw err;
    });
    if (text === undefined) continue;
    const file = relative(process.cwd(), path) || path;
    const result = parseDomainModel(text, file, folder, compiler);
    if ('model' in result) loaded.push({ dir, file, model: result.model });
    else problems.push(...result.problems);
  }
  problems.push(...duplicateEvents(loaded));
  return { models: loaded, problems };
}

/**
 * Validates one model.yml's text in two stages: its structure (the zod schema), then what
 * a schema cannot say — the name is the folder's, names and types are unique, `about`
 * names one of its entities or value objects, and each event's data is a JSON Schema of
 * an object. Every problem is "file:line:column path: problem".
 */
export function parseDomainModel(
  text: string,
  file: string,
  folder: string,
  compiler: DataSchemaCompiler = createDataSchemaCompiler(),
): { model: DomainModel } | { problems: string[] } {
  if (Buffer.byteLength(text) > maxModelBytes)
    return { problems: [`${file}:1:1 (root): the model is over ${maxModelBytes / 1024} KiB; split the domain`] };
  const parsed = parseYamlWith(domainModelSchema, text, file);
  if ('problems' in parsed) return parsed;
  const { value: model, yaml } = parsed;
  const problems: string[] = [];
  const at = (path: (string | number)[], problem: string) => {
    const { offset, path: dotted } = yaml.locate(path);
    problems.push(`${yaml.at(offset)} ${dotted}: ${problem}`);
  };
  if (model.name !== folder) at(['name'], `expected "${folder}", the folder's name; got "${model.name}"`);
  const typeNames = new Set<string>();
  for (const [list, types] of [
    ['entities', model.entities],
    ['valueObjects', model.valueObjects],
  ] as const)
    for (const [i, type] of types.entries()) {
      if (typeNames.has(type.name)) at([list, i, 'name'], `"${type.name}" is named twice in this model; rename one`);
      typeNames.add(type.name);
      const fields = new Set<string>();
      for (const [j, field] of type.fields.entries()) {
        if (fields.has(field.name)) at([list, i, 'fields', j, 'name'], `field "${field.name}" is listed twice`);
        fields.add(field.name);
      }
    }
  const eventTypes = new Set<string>();
  for (const [i, event] of model.events.entries()) {
    if (eventTypes.has(event.type)) at(['events', i, 'type'], `"${event.type}" is listed twice; keep one`);
    eventTypes.add(event.type);
    if (event.about !== undefined && !typeNames.has(event.about))
      at(
        ['events', i, 'about'],
        `"${event.about}" is none of this model's entities or value objects (${[...typeNames].join(', ') || 'none'}); add it or correct the name`,
      );
    problems.push(...dataSchemaProblems(event, ['events', i, 'data'], yaml, compiler));
  }
  const terms = new Set<string>();
  for (const [i, entry] of model.glossary.entries()) {
    const key = entry.term.toLowerCase();
    if (terms.has(key)) at(['glossary', i, 'term'], `"${entry.term}" is defined twice; keep one meaning`);
    terms.add(key);
  }
  return problems.length > 0 ? { problems } : { model };
}

function dataSchemaProblems(
  event: ModelEvent,
  path: (string | number)[],
  yaml: YamlWithPositions,
  compiler: DataSchemaCompiler,
): string[] {
  const where = (problem: string) => {
    const { offset, path: dotted } = yaml.locate(path);
    return [`${yaml.at(offset)} ${dotted}: ${problem}`];
  };
  // Event data is a JSON object on the wire (envelope.ts): its schema says so first.
  if (event.data.type !== 'object') return where('expected a JSON Schema of an object: "type: object" first');
  const compiled = compiler.compile(event.data);
  return 'problem' in compiled ? where(`not a valid JSON Schema (draft 2020-12): ${compiled.problem}`) : [];
}

/** An event type described by two models (or a family overlapping a type of another): each event has one home. */
function duplicateEvents(loaded: readonly LoadedDomainModel[]): string[] {
  const problems: string[] = [];
  const seen: { type: string; file: string }[] = [];
  for (const { file, model } of loaded)
    for (const event of model.events) {
      const other = seen.find(
        (s) => s.file !== file && (typeMatches(s.type, event.type) || typeMatches(event.type, s.type)),
      );
      if (other !== undefined)
        problems.push(
          `${file}: event "${event.type}" is also described by ${other.file} ("${other.type}"); an event belongs to one domain`,
        );
      seen.push({ type: event.type, file });
    }
  return problems;
}

/** The model event describing `type`: its own entry, else the family whose pattern matches it. */
export function modelEventFor(
  models: readonly { model: DomainModel }[],
  type: string,
): { domain: string; event: ModelEvent } | undefined {
  let family: { domain: string; event: ModelEvent } | undefined;
  for (const { model } of models)
    for (const event of model.events) {
      if (event.type === type) return { domain: model.name, event };
      if (event.type.endsWith('.*') && typeMatches(event.type, type)) family ??= { domain: model.name, event };
    }
  return family;
}

/**
 * Whether a model's event (a type, or a family pattern such as `github.*`) covers a type
 * or pattern an agent declares: the same type, a type of the family, or — for a declared
 * pattern (`support.ticket.*`) — a type under it.
 */
export function modelCovers(modelType: string, declared: string): boolean {
  const prefix = (pattern: string) => pattern.slice(0, -1);
  if (modelType.endsWith('.*')) {
    const family = prefix(modelType);
    return declared.startsWith(family) || (declared.endsWith('.*') && family.startsWith(prefix(declared)));
  }
  return declared.endsWith('.*') ? modelType.startsWith(prefix(declared)) : modelType === declared;
}
