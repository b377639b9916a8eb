import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { createError } from '../errors.ts';

/** `templates/agents/<name>/template.yml`: what a template is for and how it renders. */
const metaSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/),
  version: z.int().min(1),
  description: z.string().min(1),
  tiers: z.array(z.string().min(1)).min(1),
  /**
   * Whether it renders customer-facing agents (a marketplace card and task types): of the
   * templates serving a tier, it takes the agents whose answers make them customer-facing.
   */
  customerFacing: z.boolean().default(false),
  /** Globs of files written when the agent is generated and never re-rendered (migrations). */
  once: z.array(z.string().min(1)).default([]),
  /**
   * Globs of files rendered from the domain models (and the answers), whole: regen writes
   * them as rendered instead of merging, so a hand edit or a model change not rendered yet
   * is drift, and WowDomain regenerates them when a model changes.
   */
  fromModels: z.array(z.string().min(1)).default([]),
});

export interface AgentTemplate extends z.output<typeof metaSchema> {
  /** The files under `files/`, by path relative to the repository root they render into. */
  files: ReadonlyMap<string, string>;
}

export const templatesDir = fileURLToPath(new URL('../../../../templates/agents/', import.meta.url));

/** A repository's own templates (`templates/agents`) when it has them, else the platform's: its history serves regen. */
export async function templatesFor(repoRoot: string): Promise<string> {
  const own = join(repoRoot, 'templates', 'agents');
  return (await stat(own).then(
    (s) => s.isDirectory(),
    () => false,
  ))
    ? own
    : templatesDir;
}

/** A template from its meta text and files: the door reading them may be a folder or a git revision. */
export function parseTemplate(source: string, metaText: string, files: ReadonlyMap<string, string>): AgentTemplate {
  const doc = parseDocument(metaText);
  const parsed = metaSchema.safeParse(doc.toJS());
  if (doc.errors.length > 0 || !parsed.success) {
    const why =
      doc.errors[0]?.message ??
      parsed.error?.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ') ??
      '';
    throw createError('WOW_ERR_FACTORY_TEMPLATE', { template: source, problem: why });
  }
  return { ...parsed.data, files };
}

/** Every template in `dir` (each folder with a template.yml). */
export async function loadTemplates(dir: string = templatesDir): Promise<AgentTemplate[]> {
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(names.map((name) => loadTemplate(join(dir, name))));
}

export async function loadTemplate(folder: string): Promise<AgentTemplate> {
  const metaFile = join(folder, 'template.yml');
  const meta = await readFile(metaFile, 'utf8');
  const filesDir = join(folder, 'files');
  const files = new Map<string, string>();
  for (const entry of await readdir(filesDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(relative(filesDir, path).split('\\').join('/'), await readFile(path, 'utf8'));
  }
  return parseTemplate(metaFile, meta, files);
}

/**
 * The template that serves a tier, for a customer-facing agent (with a marketplace card) or
 * another; the questionnaire's tiers and the templates' must agree.
 */
export function templateForTier(
  templates: readonly AgentTemplate[],
  tier: string,
  customerFacing = false,
): AgentTemplate {
  const found = templates.find((t) => t.tiers.includes(tier) && t.customerFacing === customerFacing);
  if (found === undefined)
    throw createError('WOW_ERR_FACTORY_TEMPLATE', {
      template: 'templates/agents',
      problem:
        `no template serves the tier "${tier}" for ${customerFacing ? 'customer-facing agents' : 'agents without a marketplace card'}; ` +
        `the templates serve ${templates.map((t) => `${t.tiers.join(', ')}${t.customerFacing ? ' (customer-facing)' : ''}`).join('; ')}`,
    });
  return found;
}
