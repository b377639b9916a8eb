import { z } from 'zod';
import { typeMatches } from '../bus/envelope.ts';
import { platformEventTypes } from '../bus/platform-events.ts';
import { handlerOf } from '../agent/handler-of.ts';
import { loadAgentDefinition } from '../agent/load-agent-definition.ts';
import { loadManifests } from '../agent/load-manifests.ts';
import { loadDomainModels, modelEventFor, type LoadedDomainModel } from '../domain/load-domain-models.ts';
import { loadDomains } from '../domain/load-domains.ts';

/** Who reads an event type, and the data it parses it into (its handler's `input`), if it declares one. */
export interface EventConsumer {
  agent: string;
  /** The `wakesOn` entry that wakes it: the type itself or a pattern. */
  wakesOn: string;
  /** JSON Schema (draft 2020-12) of the data its handler accepts; undefined when it takes any. */
  schema: Record<string, unknown> | undefined;
}

/** What the event's domain model says of it (its own entry, or its family's: `github.*`). */
export interface EventModel {
  domain: string;
  /** The model's entry: the type itself, or the family's pattern. */
  type: string;
  version: number;
  meaning: string;
  /** JSON Schema (draft 2020-12) of the data every sender must publish: checked at publish. */
  schema: Record<string, unknown>;
}

export interface CatalogedEvent {
  type: string;
  /** Undefined when no domain model describes it (WowVision's `domain` rule reports that). */
  model: EventModel | undefined;
  /** `agent:<id>`, `domain:<name>` or `platform`: who may send it (what the message guard lets through). */
  producers: string[];
  consumers: EventConsumer[];
}

export interface EventCatalog {
  events: CatalogedEvent[];
  /** Types agents wake on that nobody declares sending: they would wait for ever. */
  unproduced: { agent: string; wakesOn: string }[];
  /** Declared types nobody wakes on. */
  unconsumed: string[];
}

const isPattern = (type: string) => type.endsWith('.*');

/**
 * Every event type the checkout knows, from the manifests (`emits`, `wakesOn`), the domains'
 * `domain.yml` and the platform's own types: who sends it, who wakes on it, the schema its
 * domain model gives its data (`model.yml`) and the schema each consumer parses it with
 * (zod, as JSON Schema). Built from files, so the
 * catalogue is what runs, never a list kept by hand.
 */
export async function buildEventCatalog(opts: { agentsDir: string; domainsDir: string }): Promise<EventCatalog> {
  const agents = await loadManifests(opts.agentsDir);
  const domains = await loadDomains(opts.domainsDir);
  const models = await loadDomainModels(opts.domainsDir);
  const producers = new Map<string, Set<string>>();
  const produce = (type: string, by: string) => producers.set(type, (producers.get(type) ?? new Set()).add(by));
  for (const { manifest } of agents) for (const type of manifest.emits) produce(type, `agent:${manifest.id}`);
  for (const { domain } of domains) for (const type of domain.emits) produce(type, `domain:${domain.name}`);
  // The platform's patterns (github.*) name families, not types: the types are the exact
  // ones agents wake on under them.
  for (const type of platformEventTypes.filter((t) => !isPattern(t))) produce(type, 'platform');
  for (const { manifest } of agents)
    for (const wanted of manifest.wakesOn.filter((w) => !isPattern(w)))
      if (platformEventTypes.some((p) => typeMatches(p, wanted))) produce(wanted, 'platform');

  const definitions = new Map(
    await Promise.all(
      agents.map(async ({ manifest, dir }) => [manifest.id, await loadAgentDefinition(manifest, dir)] as const),
    ),
  );
  const events: CatalogedEvent[] = [...producers.keys()].sort().map((type) => ({
    type,
    model: modelOf(models, type),
    producers: [...(producers.get(type) ?? [])].sort(),
    consumers: agents.flatMap(({ manifest }) => {
      const wakesOn = manifest.wakesOn.find((w) => typeMatches(w, type));
      if (wakesOn === undefined) return [];
      const input = handlerOf(definitions.get(manifest.id)?.on ?? {}, type)?.input;
      return [{ agent: manifest.id, wakesOn, schema: input === undefined ? undefined : schemaOf(input) }];
    }),
  }));
  const unproduced = agents.flatMap(({ manifest }) =>
    manifest.wakesOn
      .filter((w) => !events.some((e) => typeMatches(w, e.type)) && !platformEventTypes.some((p) => typeMatches(p, w)))
      .map((wakesOn) => ({ agent: manifest.id, wakesOn })),
  );
  const unconsumed = events.filter((e) => e.consumers.length === 0).map((e) => e.type);
  return { events, unproduced, unconsumed };
}

function modelOf(models: readonly LoadedDomainModel[], type: string): EventModel | undefined {
  const found = modelEventFor(models, type);
  if (found === undefined) return undefined;
  const { domain, event } = found;
  return { domain, type: event.type, version: event.version, meaning: event.meaning, schema: event.data };
}

/** The data a handler accepts, as JSON Schema: its input side (before transforms), anything zod cannot say as `{}`. */
function schemaOf(input: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(input, { io: 'input', unrepresentable: 'any' });
}
