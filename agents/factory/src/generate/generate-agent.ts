import { matchesGlob } from 'node:path';
import {
  type DomainModel,
  parseManifest,
  renderAgentWorkload,
  renderWorkloadsKustomization,
  workloadPath,
  workloadsKustomizationPath,
} from '#platform';
import { overlaySnapshot, type RepoSnapshot } from '../../../wowvision/src/index.ts';
import type { Answers } from '../questionnaire/parse-issue-body.ts';
import type { Questionnaire } from '../questionnaire/questionnaire.ts';
import type { AgentRequest } from '../questionnaire/validate-answers.ts';
import { upsertCatalogueRow, cataloguePath } from './agent-catalogue.ts';
import type { AgentTemplate } from './agent-template.ts';
import { writeAnswersFile } from './answers-file.ts';
import { describeNewEvents } from './describe-new-events.ts';
import { domainModelsOf } from './domain-models-of.ts';
import { formatGeneratedFiles } from './format-generated.ts';
import { renderTemplate } from './render-template.ts';
import { templateData } from './template-data.ts';

export interface GeneratedAgent {
  id: string;
  template: { name: string; version: number };
  /** Every file the change writes, by repository path. */
  files: Map<string, string>;
}

// Every part's migrations share one number sequence (platform/store/migrate.ts).
const migration = /^(?:platform|domains\/[^/]+|agents\/([^/]+))\/migrations\/(\d{4})_(.+)\.sql$/;

/** The answers file of an agent, kept in its folder. */
export const answersPath = (id: string) => `agents/${id}/questionnaire.yml`;

/**
 * What a template alone renders for the answers and the domain models: the agent's folder,
 * its answers file and, when it stores data, its migration. Pure: the same inputs give the same files, which is
 * what a three-way merge between template versions relies on; formatted as lint wants it. `mergeBase`: the render is
 * regen's base, of answers already rendered into the repository (see renderTemplate).
 */
export async function renderAgentFiles(
  request: AgentRequest,
  answers: Answers,
  template: AgentTemplate,
  q: Questionnaire,
  migration: string,
  models: readonly DomainModel[],
  opts: { mergeBase?: boolean } = {},
): Promise<Map<string, string>> {
  const data = templateData(request, { name: template.name, version: template.version }, models);
  const files = renderTemplate(
    template,
    data,
    {
      id: request.id,
      migration: request.stores.length === 0 ? '' : migration,
      task: data.tasks.map((task) => ({ segment: task.task, item: task })),
    },
    opts,
  );
  files.set(
    answersPath(request.id),
    writeAnswersFile({ template: template.name, templateVersion: template.version, answers }, q),
  );
  return formatGeneratedFiles(files);
}

/**
 * The whole change that adds an agent to `repo`: the template's files, the migration
 * numbered after the repository's last one, and the agents catalogue with the agent's row
 * (a structured edit of the existing document).
 */
export async function generateAgent(input: {
  request: AgentRequest;
  answers: Answers;
  template: AgentTemplate;
  questionnaire: Questionnaire;
  repo: RepoSnapshot;
}): Promise<GeneratedAgent> {
  const { request, template, repo } = input;
  // The events it adds are described in the models first, so its schemas module renders them too.
  const described = await describeNewEvents(repo, request);
  const files = await renderAgentFiles(
    request,
    input.answers,
    template,
    input.questionnaire,
    migrationName(repo, request.id),
    await domainModelsOf(overlaySnapshot(repo, described)),
  );
  // Written once: an existing migration (or other `once` file) is the repository's, not the template's.
  for (const path of files.keys())
    if (repo.blobs.has(path) && template.once.some((glob) => matchesGlob(path, glob))) files.delete(path);
  files.set(
    cataloguePath,
    upsertCatalogueRow(repo.blobs.has(cataloguePath) ? await repo.read(cataloguePath) : undefined, request),
  );
  for (const [path, text] of kubernetesWorkload(repo, request.id, files)) files.set(path, text);
  for (const [path, text] of described) files.set(path, text);
  return { id: request.id, template: { name: template.name, version: template.version }, files };
}

/**
 * In a repository that deploys to Kubernetes (it has infra/k8s/base/agents), the new
 * agent's workload and the kustomization listing it, as `wow infra k8s` writes them: the
 * pull request is then in step from its first commit.
 */
function kubernetesWorkload(repo: RepoSnapshot, id: string, files: Map<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  const manifestPath = `agents/${id}/agent.yml`;
  const text = files.get(manifestPath);
  if (!repo.blobs.has(workloadsKustomizationPath) || text === undefined) return out;
  const parsed = parseManifest(text, manifestPath, id);
  // The gate that follows reports a manifest the template got wrong; nothing to add here then.
  if ('problems' in parsed) return out;
  const ids = new Set([id]);
  for (const path of repo.blobs.keys()) {
    const m = /^infra\/k8s\/base\/agents\/([a-z0-9-]+)\.yaml$/.exec(path);
    if (m?.[1] !== undefined && m[1] !== 'kustomization') ids.add(m[1]);
  }
  out.set(workloadPath(id), renderAgentWorkload(parsed.manifest));
  out.set(workloadsKustomizationPath, renderWorkloadsKustomization([...ids]));
  return out;
}

/** `NNNN_<id>_tables`: the agent's existing migration if it has one, else the next number. */
export function migrationName(repo: RepoSnapshot, id: string): string {
  const suffix = `_${id.replace(/-/g, '_')}_tables`;
  let last = 0;
  for (const path of repo.blobs.keys()) {
    const m = migration.exec(path);
    if (m === null) continue;
    if (m[1] === id && `_${m[3] ?? ''}` === suffix) return `${m[2] ?? ''}${suffix}`;
    last = Math.max(last, Number(m[2]));
  }
  return `${String(last + 1).padStart(4, '0')}${suffix}`;
}
