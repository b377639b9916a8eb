import { writeMarkedIssue, type EventChange, type MarkedWrite } from '#platform';
import type { AffectedAgent } from './affected-agents.ts';
import type { ChangedModel, RepoAt } from './changed-models.ts';

/** Finds the issue again for the same merge, model and agent: a redelivery edits it instead of opening a second. */
export const modelChangeMarker = (commit: string, domain: string, agent: string): string =>
  `<!-- wowdomain:model-change=${commit}:${domain}:${agent} -->`;

/** Text from a model (field paths, types) as inline code: no mention, link or HTML renders in it. */
const code = (text: string) => `\`${text.replace(/[`\r\n]/g, "'").slice(0, 200)}\``;

function describe(change: EventChange): string {
  const versions =
    change.change === 'added'
      ? `added (version ${change.versionAfter ?? 1})`
      : change.change === 'removed'
        ? `removed (was version ${change.versionBefore ?? 1})`
        : `changed, version ${change.versionBefore ?? 1} → ${change.versionAfter ?? 1}`;
  const breaks = change.incompatible.slice(0, 20).map((c) => `  - ${code(c)}`);
  return [`- ${code(change.type)}: ${versions}`, ...breaks].join('\n');
}

/**
 * One issue per affected agent and merge that needs a person, asking its owners to bring the
 * agent in step with the model: what changed in the events it uses, what to check, and
 * either the regeneration pull request that re-rendered its schemas or why the Factory
 * could not regenerate it.
 */
export async function writeModelChangeIssue(
  at: RepoAt,
  merge: { commit: string; pull: number },
  model: ChangedModel,
  agent: AffectedAgent,
  regeneration: { pull: number | undefined; skipped: string | undefined },
): Promise<MarkedWrite & { number: number }> {
  const changes = model.events.filter((e) => agent.events.includes(e.type));
  const breaking = changes.some((c) => c.incompatible.length > 0 || c.change === 'removed');
  return writeMarkedIssue(at, modelChangeMarker(merge.commit, model.domain, agent.id), {
    title: `${agent.id}: the ${model.domain} domain model changed ${changes.length === 1 ? 'an event' : `${changes.length} events`} it uses`,
    body: [
      `Pull request #${merge.pull} (${merge.commit.slice(0, 12)}) changed ${code(model.file)}, and ` +
        `**${agent.id}** emits or wakes on these of its events:`,
      '',
      ...changes.map(describe),
      '',
      breaking
        ? "Some changes are incompatible: check the agent's handlers' `input` schemas and what it emits against the model " +
          `(\`wow domain show ${model.domain}\`), update them and their tests, and raise the agent's version.`
        : "The changes are compatible; check that the agent's handlers and what it emits still say what the model means " +
          `(\`wow domain show ${model.domain}\`).`,
      ...(regeneration.pull === undefined
        ? []
        : [
            '',
            `Its files rendered from the models are regenerated in #${regeneration.pull}; its handlers are this issue's part.`,
          ]),
      ...(regeneration.skipped === undefined
        ? []
        : ['', `The Factory did not regenerate it: ${code(regeneration.skipped)}.`]),
      '',
      'Opened by WowDomain; close it when the agent is in step.',
    ].join('\n'),
    labels: ['wowdomain', 'domain-model'],
  });
}
