import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isMap } from 'yaml';
import { z } from 'zod';
import { readYaml } from '#platform/yaml';
import { ruleKinds } from '../kinds/index.ts';
import { assertPatternValid } from '../kinds/support/path-pattern.ts';
import type { PackProblem, Rule, RulePack } from './rule-pack.ts';

/** Bumped when the engine judges differently, so cached results and check runs are redone. */
const engineVersion = 1;

const builtinPacks = new URL('../../../../rules/packs/', import.meta.url);

const severity = z
  .enum(['error', 'warning', 'warn', 'notice', 'info', 'off'], { error: 'expected error, warning, notice or off' })
  .transform((s) => (s === 'warn' ? 'warning' : s === 'info' ? 'notice' : s));
const scope = z.enum(['changed', 'file', 'all'], {
  error: 'expected changed (lines the change adds), file (files it touches) or all',
});
const ruleFields = z.looseObject({
  name: z
    .string({ error: 'every rule needs a name' })
    .regex(/^[a-z0-9]+(?:[-/][a-z0-9]+)*$/, { error: 'expected a kebab-case name, e.g. "no-agent-internals"' }),
  kind: z.string().optional(),
  severity: severity.optional(),
  because: z.string().min(1).optional(),
  fix: z.string().min(1).optional(),
  scope: scope.optional(),
});
/** Probot's `_extends` (@probot/octokit-plugin-config): `repo`, `owner/repo`, `repo:path.yml` or `owner/repo:path.yml`. */
const repositoryRef = /^(?:([a-z\d](?:[a-z\d]|-(?=[a-z\d])){0,38})\/)?([-_.\w\d]+)(?::([-_./\w\d]+\.ya?ml))?$/i;

const packSchema = z.strictObject({
  extends: z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .optional(),
  _extends: z
    .string()
    .regex(repositoryRef, {
      error:
        'expected a repository as Probot names one: "repo", "owner/repo", "repo:path.yml" or "owner/repo:path.yml"',
    })
    .optional(),
  scope: scope.optional(),
  baseline: z.string().min(1).optional(),
  review: z
    .strictObject({
      comments: z.boolean().default(false),
      maxComments: z
        .int()
        .min(1)
        .max(30, { error: 'GitHub allows at most 30 inline comments per review without abuse limits' })
        .default(30),
    })
    .optional(),
  elements: z
    .record(
      z.string().regex(/^[a-z][\w-]*$/i, { error: 'expected an element name of letters, digits, - and _' }),
      z.string().min(1),
    )
    .optional(),
  rules: z.array(ruleFields).optional(),
});

/** A pack file: the repository's own, or one it extends. */
export interface PackText {
  file: string;
  text: string;
}

/**
 * Reads what `extends:` names besides built-in packs: a repository file, or "org" (the
 * owner's `.github` repository). Returns undefined when there is no such pack.
 */
export type ReadExtendedPack = (ref: string) => Promise<PackText | undefined>;

/** What `_extends` names: a repository (the reviewed one's owner when unset) and a pack path in it (the same path when unset). */
export interface RepositoryPackRef {
  owner: string | undefined;
  repo: string;
  path: string | undefined;
}

/**
 * Reads a pack from another repository's default branch, as Probot's `context.config`
 * reads what `_extends` names; undefined when there is no such file. The answer says which
 * repository it came from, so the packs it extends in turn are read from there.
 */
export type ReadRepositoryPack = (
  ref: RepositoryPackRef,
) => Promise<(PackText & { home: { owner: string; repo: string } }) | undefined>;

/** Where a layer was read: the reviewed revision (undefined), or another repository through `_extends`. */
type Home = { owner: string; repo: string } | undefined;

type Layer = {
  file: string;
  fields: z.output<typeof packSchema>;
  position: (path: readonly PropertyKey[]) => { line: number; column: number };
};

/**
 * Loads a rule pack and everything it extends. Every problem is returned with its file,
 * line and column; a pack with problems is never half-applied.
 */
export async function loadRulePack(
  entry: PackText,
  readExtended: ReadExtendedPack,
  readRepository?: ReadRepositoryPack,
): Promise<{ pack: RulePack } | { problems: PackProblem[] }> {
  const problems: PackProblem[] = [];
  const layers: Layer[] = [];
  const visit = async (pack: PackText, chain: readonly string[], home: Home): Promise<void> => {
    const parsed = parseLayer(pack, problems);
    if (parsed === undefined) return;
    // `_extends` is the lowest layer, as in Probot: what this file says overrides it.
    const bases = [
      ...(parsed.fields._extends === undefined ? [] : [{ ref: parsed.fields._extends, at: ['_extends'] as const }]),
      ...(parsed.fields.extends ?? []).map((ref, index) => ({ ref, at: ['extends', index] as const })),
    ];
    for (const { ref, at } of bases) {
      const field = at[0];
      const where = { file: pack.file, ...parsed.position(at) };
      const extended = await (
        field === '_extends'
          ? readRepositoryRef(ref, readRepository)
          : readPackRef(ref, home, readExtended, readRepository)
      ).catch((err: unknown) => {
        problems.push({ ...where, message: `${field} "${ref}": ${(err as Error).message}` });
        return null;
      });
      if (extended === null) continue;
      if (extended === undefined) {
        problems.push({
          ...where,
          message:
            field === '_extends'
              ? `_extends "${ref}": no such pack on that repository's default branch`
              : `extends "${ref}": no such pack; built-in packs are ${(await builtinPackNames()).join(', ')}, ` +
                'or give a repository path ending in .yml, or "org"',
        });
        continue;
      }
      if (chain.includes(extended.file)) {
        problems.push({
          ...where,
          message: `${field} "${ref}" again: ${[...chain, extended.file].join(' → ')} is a loop`,
        });
        continue;
      }
      await visit(extended, [...chain, extended.file], extended.home ?? home);
    }
    layers.push(parsed);
  };
  await visit(entry, [entry.file], undefined);
  if (problems.length > 0) return { problems };
  return mergeLayers(layers);
}

export async function builtinPackNames(): Promise<string[]> {
  const { readdir } = await import('node:fs/promises');
  return (await readdir(builtinPacks))
    .filter((f) => f.endsWith('.yml'))
    .map((f) => f.slice(0, -4))
    .sort();
}

async function readPackRef(
  ref: string,
  home: Home,
  readExtended: ReadExtendedPack,
  readRepository: ReadRepositoryPack | undefined,
): Promise<(PackText & { home?: Home }) | undefined> {
  if (/^[a-z][a-z0-9-]*$/.test(ref) && ref !== 'org') {
    const text = await readFile(new URL(`${ref}.yml`, builtinPacks), 'utf8').catch(() => undefined);
    return text === undefined ? undefined : { file: `rules/packs/${ref}.yml (built-in)`, text };
  }
  // A pack reached through `_extends` names its files in its own repository.
  if (home !== undefined && ref !== 'org' && /\.ya?ml$/.test(ref))
    return readRepositoryRef(`${home.owner}/${home.repo}:${ref}`, readRepository);
  return readExtended(ref);
}

async function readRepositoryRef(
  ref: string,
  readRepository: ReadRepositoryPack | undefined,
): Promise<(PackText & { home: { owner: string; repo: string } }) | undefined> {
  if (readRepository === undefined)
    throw new Error(
      'another repository is read only by the App, which reaches GitHub; in `wow review` and the Action, extend a file of this repository instead',
    );
  // As in Probot, an unnamed owner is the reviewed repository's, wherever the line is.
  const [, owner, repo = '', path] = repositoryRef.exec(ref) ?? [];
  return readRepository({ owner, repo, path });
}

function parseLayer(pack: PackText, problems: PackProblem[]): Layer | undefined {
  const yaml = readYaml(pack.text, pack.file);
  const position = (path: readonly PropertyKey[]) => lineColumn(yaml.at(yaml.locate(path).offset));
  const report = (offset: number, message: string) =>
    problems.push({ file: pack.file, ...lineColumn(yaml.at(offset)), message });
  if (yaml.errors.length > 0) {
    for (const error of yaml.errors) {
      const [, line, column, message] = /:(\d+):(\d+) (.*)$/s.exec(error) ?? [];
      problems.push({
        file: pack.file,
        line: Number(line ?? 1),
        column: Number(column ?? 1),
        message: message ?? error,
      });
    }
    return undefined;
  }
  if (yaml.doc.contents !== null && !isMap(yaml.doc.contents)) {
    report(0, 'expected a mapping with rules:, elements:, extends: …');
    return undefined;
  }
  const parsed = packSchema.safeParse(yaml.doc.toJS() ?? {});
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys')
        for (const key of issue.keys)
          report(
            yaml.keyOffset([...issue.path, key]),
            `${[...issue.path, key].join('.')}: unknown field; a pack has ${Object.keys(packSchema.shape).join(', ')}`,
          );
      else {
        const { offset, path } = yaml.locate(issue.path);
        report(offset, `${path || '(root)'}: ${issue.message}`);
      }
    }
    return undefined;
  }
  for (const [name, glob] of Object.entries(parsed.data.elements ?? {})) {
    try {
      assertPatternValid(glob);
    } catch (err) {
      report(yaml.locate(['elements', name]).offset, `elements.${name}: ${(err as Error).message}`);
    }
  }
  const names = new Map<string, number>();
  for (const [index, rule] of (parsed.data.rules ?? []).entries()) {
    if (names.has(rule.name))
      report(
        yaml.locate(['rules', index, 'name']).offset,
        `rules[${index}]: a second rule named "${rule.name}" in this file (the first is rules[${names.get(rule.name) ?? 0}])`,
      );
    names.set(rule.name, index);
  }
  return { file: pack.file, fields: parsed.data, position };
}

function lineColumn(at: string): { line: number; column: number } {
  const [, line, column] = /:(\d+):(\d+)$/.exec(at) ?? [];
  return { line: Number(line ?? 1), column: Number(column ?? 1) };
}

/** Later layers win: scalars replace, elements merge, rules merge field by field by name. */
function mergeLayers(layers: Layer[]): { pack: RulePack } | { problems: PackProblem[] } {
  const problems: PackProblem[] = [];
  const merged = new Map<string, { fields: Record<string, unknown>; layer: Layer; index: number }>();
  let packScope: RulePack['scope'] = 'changed';
  let baseline: string | undefined;
  let review: RulePack['review'] = { comments: false, maxComments: 30 };
  const elements: Record<string, string> = {};
  for (const layer of layers) {
    packScope = layer.fields.scope ?? packScope;
    baseline = layer.fields.baseline ?? baseline;
    review = layer.fields.review ?? review;
    Object.assign(elements, layer.fields.elements);
    for (const [index, rule] of (layer.fields.rules ?? []).entries()) {
      const before = merged.get(rule.name);
      merged.set(rule.name, { fields: { ...before?.fields, ...rule }, layer, index });
    }
  }
  const rules: Rule[] = [];
  for (const [name, { fields, layer, index }] of merged) {
    const at = (path: readonly PropertyKey[]) => ({ file: layer.file, ...layer.position(['rules', index, ...path]) });
    const {
      kind: kindName,
      severity: sev,
      because,
      fix,
      scope: ruleScope,
      name: _name,
      ...options
    } = fields as z.output<typeof ruleFields>;
    const kind = kindName === undefined ? undefined : ruleKinds.get(kindName);
    if (kind === undefined) {
      problems.push({
        ...at(kindName === undefined ? [] : ['kind']),
        message:
          kindName === undefined
            ? `rule "${name}" has no kind; the kinds are ${[...ruleKinds.keys()].join(', ')}`
            : `rule "${name}": unknown kind "${kindName}"; the kinds are ${[...ruleKinds.keys()].join(', ')}`,
      });
      continue;
    }
    const parsed = kind.options.safeParse(options);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path.map(String).join('.');
        if (issue.code === 'unrecognized_keys')
          problems.push({
            ...at([]),
            message: `rule "${name}": unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')} for kind ${kind.name}`,
          });
        else
          problems.push({ ...at(issue.path), message: `rule "${name}"${field ? `, ${field}` : ''}: ${issue.message}` });
      }
      continue;
    }
    for (const element of elementNames(parsed.data)) {
      if (!(element in elements))
        problems.push({
          ...at([]),
          message: `rule "${name}" names "${element}", which is neither an element (${Object.keys(elements).join(', ') || 'none defined'}) nor a path pattern`,
        });
    }
    rules.push({
      name,
      kind: kind.name,
      severity: sev ?? 'error',
      because,
      fix,
      scope: ruleScope,
      options: parsed.data,
      source: `${layer.file}:${at([]).line}`,
    });
  }
  if (problems.length > 0) return { problems };
  const judged = { engineVersion, scope: packScope, elements, rules: rules.map(({ source: _s, ...r }) => r) };
  const hash = createHash('sha256').update(JSON.stringify(judged)).digest('hex').slice(0, 16);
  return { pack: { scope: packScope, baseline, review, elements, rules, files: layers.map((l) => l.file), hash } };
}

/** Bare words in path specs: element names (globs always hold "/", "*" or "."). */
function elementNames(value: unknown): string[] {
  if (typeof value === 'string') return /^[a-z][\w-]*$/i.test(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(elementNames);
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) =>
      ['path', 'pathNot', 'from', 'to', 'allowOnly', 'for', 'paths'].includes(k) ? elementNames(v) : [],
    );
  return [];
}
