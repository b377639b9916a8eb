import { posix } from 'node:path';
import { z } from 'zod';
import type { DomainModel } from '#platform';
import { defineKind, type Hit, type ReviewView } from './rule-kind.ts';
import { compilePattern } from './support/path-pattern.ts';

/**
 * The domain models (`domains/<name>/model.yml`) hold every event the repository's agents
 * use: each type an agent declares in `emits` or `wakesOn` (and a domain in its domain.yml)
 * is described by a model; a model is valid; and a changed model that changes an event's
 * data incompatibly (a field removed, a type changed, a field newly required) against the
 * base revision bumps that event's `version`.
 */
export const domain = defineKind({
  name: 'domain',
  summary:
    'An event type an agent or domain declares that no domain model describes, an invalid model.yml, ' +
    "or an incompatible change of an event's data schema without a new version.",
  defaultScope: 'file',
  options: z.strictObject({
    models: z.string().default('domains/(*)/model.yml').describe('the model files, with the domain name captured'),
    agents: z.string().default('agents/(*)/agent.yml').describe("the agents' manifests, with the agent id captured"),
    domains: z.string().default('domains/(*)/domain.yml').describe("the domains' declarations, with the name captured"),
  }),
  async checkRepo(options, view) {
    // Findings land on models and declarations only: a change touching none has nothing to
    // report, and the review need not load the platform for it.
    const specs = [options.models, options.agents, options.domains].map((s) => compilePattern(view.pattern(s)));
    if (!view.targets.some((t) => specs.some((p) => p.match(t) !== undefined))) return [];
    const platform = await import('#platform');
    const declarations = await declarationsOf(platform, view, options);
    const hits: Hit[] = [];
    const models: { file: string; name: string; model: DomainModel }[] = [];
    for (const [file, name] of matching(view, options.models)) {
      const parsed = platform.parseDomainModel(await view.read(file), file, name);
      if ('problems' in parsed) hits.push(...problemHits(file, parsed.problems));
      else models.push({ file, name, model: parsed.model });
    }
    // With a model that does not load, every type would look undescribed: its problems say enough.
    if (hits.length > 0) return hits;
    const described = (type: string) =>
      models.some(({ model }) => model.events.some((e) => platform.modelCovers(e.type, type)));
    for (const changed of models.filter((m) => view.changes.has(m.file)))
      hits.push(...(await againstBase(platform, view, changed, declarations, described)));
    for (const d of declarations) {
      if (described(d.type)) continue;
      hits.push({
        path: d.file,
        line: d.line,
        column: d.column,
        message:
          `${d.field} lists "${d.type}", which no domain model describes; add it to the events of ` +
          'domains/<name>/model.yml (type, version: 1, meaning, data: its JSON Schema), in the domain it belongs to',
        key: `undescribed ${d.type}`,
      });
    }
    return hits;
  },
});

interface Declaration {
  /** The agent.yml or domain.yml that lists it. */
  file: string;
  field: 'emits' | 'wakesOn';
  type: string;
  line: number;
  column: number;
}

/** Every type the agents' manifests (emits, wakesOn) and the domains' declarations (emits) list, where they list it. */
async function declarationsOf(
  platform: Platform,
  view: ReviewView,
  options: { agents: string; domains: string },
): Promise<Declaration[]> {
  const found: Declaration[] = [];
  for (const [spec, fields] of [
    [options.agents, ['emits', 'wakesOn']],
    [options.domains, ['emits']],
  ] as const)
    for (const [file] of matching(view, spec)) {
      const yaml = platform.readYaml(await view.read(file), file);
      const declared = yaml.doc.toJS() as Record<string, unknown> | null;
      for (const field of fields) {
        const list = declared?.[field];
        if (!Array.isArray(list)) continue; // The manifest rule reports a malformed declaration.
        for (const [i, type] of list.entries()) {
          if (typeof type !== 'string') continue;
          const where = /:(\d+):(\d+)$/.exec(yaml.at(yaml.locate([field, i]).offset));
          found.push({ file, field, type, line: Number(where?.[1] ?? 1), column: Number(where?.[2] ?? 1) });
        }
      }
    }
  return found;
}

type Platform = typeof import('#platform');

/** Files matching `spec` with the name each captures. */
function matching(view: ReviewView, spec: string): [string, string][] {
  const pattern = compilePattern(view.pattern(spec));
  return view.files.flatMap((file) => {
    const captures = pattern.match(file);
    return captures === undefined
      ? []
      : [[file, captures[0] ?? posix.basename(posix.dirname(file))] as [string, string]];
  });
}

/** "file:line:column text" problems of a model, as hits on it. */
function problemHits(file: string, problems: readonly string[]): Hit[] {
  return problems.map((problem) => {
    const m = /^(.+?):(\d+):(\d+) (.*)$/s.exec(problem);
    return {
      path: file,
      line: Number(m?.[2] ?? 1),
      column: Number(m?.[3] ?? 1),
      message: `${posix.basename(file)}: ${m?.[4] ?? problem}`,
    };
  });
}

/**
 * What a changed model did against the base: events whose data changed incompatibly while
 * their version stayed, and events removed (reported here too, since the agents still
 * declaring them may be outside the change).
 */
async function againstBase(
  platform: Platform,
  view: ReviewView,
  { file, name, model }: { file: string; name: string; model: DomainModel },
  declarations: readonly Declaration[],
  described: (type: string) => boolean,
): Promise<Hit[]> {
  const baseText = await view.readBase(file);
  if (baseText === undefined) return []; // A new model: nothing to break.
  const base = platform.parseDomainModel(baseText, file, name);
  if ('problems' in base) return []; // The base did not load: nothing reliable to compare with.
  const yaml = platform.readYaml(await view.read(file), file);
  const changes = platform.compareModels(base.model, model);
  const eventsAt = /:(\d+):(\d+)$/.exec(yaml.at(yaml.locate(['events']).offset));
  const removed = changes
    // An event moved to another model in the same change is still described.
    .filter((c) => c.change === 'removed' && !described(c.type))
    .flatMap((change) => {
      const users = [...new Set(declarations.filter((d) => d.type === change.type).map((d) => d.file))];
      return users.length === 0
        ? []
        : [
            {
              path: file,
              line: Number(eventsAt?.[1] ?? 1),
              column: Number(eventsAt?.[2] ?? 1),
              message:
                `removes ${change.type}, which ${users.join(', ')} still declare; ` +
                'keep the event until no manifest lists it, or change those manifests in the same change',
              key: `removed ${change.type}`,
            },
          ];
    });
  const unbumped = changes.filter(platform.needsVersionBump).map((change) => {
    const index = model.events.findIndex((e) => e.type === change.type);
    const where = /:(\d+):(\d+)$/.exec(yaml.at(yaml.locate(['events', index, 'version']).offset));
    const next = (change.versionBefore ?? 0) + 1;
    return {
      path: file,
      line: Number(where?.[1] ?? 1),
      column: Number(where?.[2] ?? 1),
      message:
        `${change.type} changes its data incompatibly (${change.incompatible.slice(0, 5).join('; ')}) ` +
        `but keeps version ${change.versionAfter ?? 0}; set version: ${next}, so consumers and archived events can tell the shapes apart, ` +
        'or make the change compatible (keep the field, add it as optional)',
      key: `unbumped ${change.type}`,
    };
  });
  return [...removed, ...unbumped];
}
