import { defineProtocol, type GitHubPort, type Logger, type Store } from '#platform';
import { z } from 'zod';
import { openRecommendations, recordPull, type Recommendation } from '../recommendations.ts';
import type { ScalingSettings } from '../scaling-settings.ts';
import { writeScalingPull } from './write-scaling-pull.ts';

export const scalingApplyRequest = z.strictObject({
  agent: z
    .string()
    .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, { error: 'expected an agent id, e.g. "wowsearch"' })
    .max(64),
  /** Why it is asked (a playbook's remedy says which), for the log. */
  reason: z.string().min(1).max(300).optional(),
});

const pull = z.strictObject({ number: z.int(), url: z.string() });

/**
 * scaling.apply: open the pull request changing the agent's `scaling:` to its open
 * recommendation — the remedy WowSupport's playbook asks for after an approver's /approve.
 * Asking again finds the same pull request; none is opened while another for the agent is.
 */
export const scalingApplyProtocol = defineProtocol({
  type: 'scaling.apply',
  input: scalingApplyRequest,
  output: z.discriminatedUnion('did', [
    z.strictObject({ did: z.enum(['opened', 'found']), recommendation: z.string(), pull }),
    z.strictObject({ did: z.literal('open-already'), recommendation: z.string(), pull, why: z.string() }),
    z.strictObject({ did: z.literal('none'), why: z.string() }),
  ]),
});

export type ScalingApplyResult = z.infer<typeof scalingApplyProtocol.output>;

/** What opening a recommendation's pull request needs: the store, GitHub as the App, and the settings. */
export interface PullDeps {
  store: Store;
  githubApp: GitHubPort | undefined;
  settings: Pick<ScalingSettings, 'repository' | 'agentsDir'>;
  log: Logger;
}

/** Opens (or finds) the pull request of `rec` and records it on the recommendation. */
export async function openScalingPull(deps: PullDeps, rec: Recommendation): Promise<ScalingApplyResult> {
  const { repository, agentsDir } = deps.settings;
  if (repository === undefined) return { did: 'none', why: 'no WOWSCALING_REPOSITORY to open pull requests in' };
  if (deps.githubApp === undefined)
    return { did: 'none', why: 'the GitHub App is not configured (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET)' };
  const [owner = '', repo = ''] = repository.split('/');
  const client = await deps.githubApp.forRepository(owner, repo);
  const written = await writeScalingPull({ client, owner, repo }, rec, agentsDir);
  if (written.did === 'not-needed') return { did: 'none', why: written.why };
  if (written.did === 'open-already')
    return {
      did: 'open-already',
      recommendation: rec.id,
      pull: { number: written.number, url: written.url },
      why: `pull request #${written.number} for ${rec.agentId} (recommendation ${written.recommendation}) is open: one at a time`,
    };
  const carried = { number: written.number, url: written.url };
  await recordPull(deps.store, rec.id, carried);
  deps.log.info(
    { agent: rec.agentId, recommendation: rec.id, pull: written.number },
    `scaling pull request ${written.did}`,
  );
  return { did: written.did, recommendation: rec.id, pull: carried };
}

/** Answers scaling.apply: the agent's open recommendation, as a pull request. */
export async function applyScaling(
  deps: PullDeps,
  request: z.output<typeof scalingApplyRequest>,
): Promise<ScalingApplyResult> {
  const [rec] = await openRecommendations(deps.store, request.agent);
  if (rec === undefined) return { did: 'none', why: `WowScaling has no open recommendation for ${request.agent}` };
  if (request.reason !== undefined)
    deps.log.info({ agent: request.agent, reason: request.reason }, 'scaling.apply asked');
  return openScalingPull(deps, rec);
}
