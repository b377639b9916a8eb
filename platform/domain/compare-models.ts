import type { DomainModel } from './model-schema.ts';

/** What a change did to one event of a model. */
export interface EventChange {
  type: string;
  change: 'added' | 'removed' | 'changed';
  versionBefore?: number;
  versionAfter?: number;
  /** The incompatible changes of its data schema, e.g. "data.ticketId removed"; empty when compatible. */
  incompatible: string[];
}

type Schema = Record<string, unknown>;

/**
 * The events `after` adds, removes or changes against `before` (either may be absent: a
 * model created or deleted). An event whose data schema or version differs is `changed`.
 */
export function compareModels(before: DomainModel | undefined, after: DomainModel | undefined): EventChange[] {
  const old = new Map((before?.events ?? []).map((e) => [e.type, e]));
  const now = new Map((after?.events ?? []).map((e) => [e.type, e]));
  const changes: EventChange[] = [];
  for (const [type, event] of now) {
    const was = old.get(type);
    if (was === undefined) changes.push({ type, change: 'added', versionAfter: event.version, incompatible: [] });
    else if (was.version !== event.version || JSON.stringify(was.data) !== JSON.stringify(event.data))
      changes.push({
        type,
        change: 'changed',
        versionBefore: was.version,
        versionAfter: event.version,
        incompatible: incompatibleChanges(was.data, event.data),
      });
  }
  for (const [type, was] of old)
    if (!now.has(type)) changes.push({ type, change: 'removed', versionBefore: was.version, incompatible: [] });
  return changes.sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}

/** A changed event whose data changed incompatibly while its version stayed: what WowVision's `domain` rule reports. */
export const needsVersionBump = (c: EventChange): boolean =>
  c.change === 'changed' && c.incompatible.length > 0 && (c.versionAfter ?? 0) <= (c.versionBefore ?? 0);

/**
 * The changes of a data schema that break those who read or replay the data: a property
 * removed, a property's type changed, a property newly required — through nested objects
 * and array items. Additions of optional properties and looser bounds are compatible.
 */
export function incompatibleChanges(before: Schema, after: Schema, path = 'data'): string[] {
  const problems: string[] = [];
  const typesBefore = typesOf(before);
  const typesAfter = typesOf(after);
  if (typesBefore !== undefined && typesAfter !== undefined && !typesBefore.every((t) => typesAfter.includes(t)))
    problems.push(`${path}: type ${typesBefore.join('|')} changed to ${typesAfter.join('|')}`);
  const propsBefore = objectAt(before.properties);
  const propsAfter = objectAt(after.properties);
  for (const [name, schema] of Object.entries(propsBefore)) {
    const next = propsAfter[name];
    if (next === undefined) problems.push(`${path}.${name} removed`);
    else problems.push(...incompatibleChanges(objectAt(schema), objectAt(next), `${path}.${name}`));
  }
  const requiredBefore = new Set(stringsAt(before.required));
  for (const name of stringsAt(after.required))
    if (!requiredBefore.has(name)) problems.push(`${path}.${name} newly required`);
  if (before.items !== undefined && after.items !== undefined)
    problems.push(...incompatibleChanges(objectAt(before.items), objectAt(after.items), `${path}[]`));
  return problems;
}

function typesOf(schema: Schema): string[] | undefined {
  const type = schema.type;
  if (typeof type === 'string') return [type];
  return Array.isArray(type) ? type.filter((t): t is string => typeof t === 'string') : undefined;
}

const objectAt = (value: unknown): Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Schema) : {};

const stringsAt = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
