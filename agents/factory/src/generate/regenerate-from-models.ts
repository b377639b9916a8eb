import { matchesGlob } from 'node:path';
import { isWowError, type DomainModel } from '#platform';
import type { RepoSnapshot } from '../../../wowvision/src/index.ts';
import type { Answers } from '../questionnaire/parse-issue-body.ts';
import type { Questionnaire } from '../questionnaire/questionnaire.ts';
import { validateAnswers, type PlatformFacts } from '../questionnaire/validate-answers.ts';
import type { AgentTemplate } from './agent-template.ts';
import { readAnswersFile } from './answers-file.ts';
import { domainModelsOf } from './domain-models-of.ts';
import { answersPath, migrationName, renderAgentFiles } from './generate-agent.ts';

export interface ModelRegeneration {
  /** What to commit, by path: the new text, or undefined for a file the template no longer renders. */
  files: Map<string, string | undefined>;
  /** The agents whose files change, each with those files. */
  regenerated: { id: string; files: string[] }[];
  /** The agents whose files render from the models but were left as they are, each with why. */
  skipped: { id: string; why: string }[];
}

/**
 * After a domain model change: the files of each agent in `ids` that its template renders
 * from the models (`fromModels`), rendered again from the models `repo` holds now, with the
 * Factory's own generator; only those that differ from the repository's are returned. An
 * agent the Factory did not generate (no questionnaire.yml), one whose template changed
 * since it was generated (`wow factory regen` merges that, with a person), or whose
 * answers no longer pass, is skipped with the reason. The answers were checked when the
 * agent was generated; here they are checked against the models alone, which describe every
 * event an agent may declare (WowVision's `domain` rule).
 */
export async function regenerateFromModels(input: {
  repo: RepoSnapshot;
  ids: readonly string[];
  questionnaire: Questionnaire;
  templates: readonly AgentTemplate[];
}): Promise<ModelRegeneration> {
  const { repo, questionnaire: q } = input;
  const models = await domainModelsOf(repo);
  const agents = [...repo.blobs.keys()].flatMap((p) => /^agents\/([^/]+)\/agent\.yml$/.exec(p)?.[1] ?? []);
  const out: ModelRegeneration = { files: new Map(), regenerated: [], skipped: [] };
  for (const id of [...new Set(input.ids)].sort()) {
    const path = answersPath(id);
    if (!repo.blobs.has(path)) {
      out.skipped.push({ id, why: `it has no ${path}, so the Factory did not generate it` });
      continue;
    }
    let file;
    try {
      file = readAnswersFile(await repo.read(path), path, q);
    } catch (err) {
      if (!isWowError(err)) throw err;
      out.skipped.push({ id, why: err.message });
      continue;
    }
    const template = input.templates.find((t) => t.name === file.template);
    if (template === undefined || template.version !== file.templateVersion) {
      out.skipped.push({
        id,
        why:
          `it was generated with template ${file.template ?? '?'} v${file.templateVersion ?? '?'}` +
          `, and the repository's is ${template === undefined ? 'not there' : `v${template.version}`}: run wow factory regen ${id}`,
      });
      continue;
    }
    if (template.fromModels.length === 0) {
      out.skipped.push({ id, why: `its template ${template.name} renders no file from the domain models` });
      continue;
    }
    const facts = modelFacts(
      models,
      file.answers.emits,
      agents.filter((a) => a !== id),
    );
    const checked = validateAnswers(file.answers, q, facts, { existing: true });
    if ('problems' in checked) {
      out.skipped.push({
        id,
        why: `its answers no longer pass: ${checked.problems.map((p) => `${p.label}: ${p.message}`).join('; ')}`,
      });
      continue;
    }
    const rendered = await renderAgentFiles(
      checked.request,
      file.answers,
      template,
      q,
      migrationName(repo, id),
      models,
    );
    const fromModels = (p: string) =>
      p.startsWith(`agents/${id}/`) && template.fromModels.some((g) => matchesGlob(p, g));
    const paths = new Set([...rendered.keys(), ...repo.blobs.keys()].filter(fromModels));
    const changed: string[] = [];
    for (const p of [...paths].sort()) {
      const before = repo.blobs.has(p) ? await repo.read(p) : undefined;
      const after = rendered.get(p);
      if (before === after) continue;
      out.files.set(p, after);
      changed.push(p);
    }
    if (changed.length > 0) out.regenerated.push({ id, files: changed });
  }
  return out;
}

/**
 * The platform as the models describe it, for one agent: every event they describe is
 * sent by someone (the agent's own `emits` by itself), beside the other agents it may depend on.
 */
function modelFacts(
  models: readonly DomainModel[],
  emits: Answers[string] | undefined,
  agents: readonly string[],
): PlatformFacts {
  const own = new Set(String(emits ?? '').split(/[\s,]+/));
  const types = models.flatMap((m) => m.events.map((e) => e.type));
  return {
    agents,
    emittedBy: new Map(types.filter((t) => !own.has(t)).map((t) => [t, 'a domain model'])),
    platformEvents: [],
    modelEvents: types.filter((t) => !t.endsWith('.*')),
  };
}
