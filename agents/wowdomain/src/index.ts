// WowDomain: Keeps the domain models and their ubiquitous language, and tells the agents a model change affects.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineAgent, githubEvent, type GitHubDelivery, type HandlerContext } from '#platform';
import { affectedAgents } from './affected-agents.ts';
import { changedModels } from './changed-models.ts';
import { writeModelChangeIssue } from './model-change-issue.ts';

export { affectedAgents, type AffectedAgent } from './affected-agents.ts';
export { changedModels, type ChangedModel } from './changed-models.ts';

// The agents a model change affects are those of the checkout the platform runs, as the Factory's facts are.
const agentsDir = join(fileURLToPath(new URL('../../../', import.meta.url)), 'agents');

type Merged = GitHubDelivery<'pull_request.closed'>;

export interface ModelChangeOutcome {
  did: 'announced' | 'ignored';
  why?: string;
  models?: { domain: string; events: string[]; agents: string[]; issues: number[] }[];
}

/**
 * A merged pull request into the default branch: each domain model it changed is announced
 * once (`domain.model.changed`, through the outbox with the run-once mark) with the events
 * it changed and the agents that use them, and each such agent gets one issue (marked, so a
 * redelivery edits it rather than opening another).
 */
async function announce(ctx: HandlerContext<unknown, undefined>, delivery: Merged): Promise<ModelChangeOutcome> {
  const { pull_request: pull, repository } = delivery.payload;
  if (!pull.merged) return { did: 'ignored', why: 'closed without merging' };
  if (pull.base.ref !== repository.default_branch)
    return { did: 'ignored', why: `merged into ${pull.base.ref}, not the default branch` };
  if (ctx.github === undefined) {
    ctx.log.warn('WowDomain needs the GitHub App and an installation to read a merge; skipped');
    return { did: 'ignored', why: 'no GitHub installation' };
  }
  const at = { client: ctx.github, owner: repository.owner.login, repo: repository.name };
  const commit = pull.merge_commit_sha ?? pull.head.sha;
  const { models, invalid } = await changedModels(at, { base: pull.base.sha, merge: commit });
  for (const file of invalid)
    ctx.log.warn(
      { file, commit },
      'a merged domain model does not load; not announced (wow domain check names the problems)',
    );
  if (models.length === 0) return { did: 'ignored', why: 'no domain model changed' };
  const announced = [];
  for (const model of models) {
    const agents = await affectedAgents(
      agentsDir,
      model.events.map((e) => e.type),
    );
    await ctx.once(`${repository.full_name}@${commit}:${model.domain}`, (tx) =>
      ctx.emit(
        {
          type: 'domain.model.changed',
          subject: model.domain,
          partitionkey: model.domain,
          data: {
            domain: model.domain,
            model: model.file,
            repository: repository.full_name,
            commit,
            pull: pull.number,
            events: model.events,
            agents,
          },
        },
        { tx },
      ),
    );
    const issues = [];
    for (const agent of agents)
      issues.push((await writeModelChangeIssue(at, { commit, pull: pull.number }, model, agent)).number);
    announced.push({
      domain: model.domain,
      events: model.events.map((e) => e.type),
      agents: agents.map((a) => a.id),
      issues,
    });
  }
  return { did: 'announced', models: announced };
}

export default defineAgent({
  on: {
    'github.pull_request.closed': { input: githubEvent<'pull_request.closed'>(), handle: announce },
  },
});
