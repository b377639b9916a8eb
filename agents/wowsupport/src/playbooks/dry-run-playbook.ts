import { z } from 'zod';
import type { Playbook } from './playbook-schema.ts';
import { agentGlob, chooseRemedy, diagnose, type JsonValue, type StepResult, type Trouble } from './run-playbook.ts';

/** A recorded situation: the trouble and each request type's recorded reply (health figures, cache stats…). */
export const recordedFixture = z.strictObject({
  trouble: z.strictObject({
    incidentId: z.string().max(100).default('00000000-0000-4000-8000-000000000000'),
    agent: z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/),
    kind: z.enum(['latency', 'failures', 'error']),
    code: z.string().max(80).optional(),
    eventType: z.string().max(200).optional(),
    figures: z.json().optional(),
  }),
  replies: z.record(z.string(), z.json()).default({}),
});

export interface DryRun {
  playbook: string;
  matches: boolean;
  steps: { id: string; request: string; input: JsonValue; result: StepResult }[];
  remedy: {
    id: string;
    risk: 'low' | 'high';
    summary: string;
    action: string;
    runs: 'automatically' | 'after /approve';
  } | null;
}

/**
 * What the playbook would do in the recorded situation: which diagnosis requests it sends
 * (answered from the recording; a type not recorded fails as an unanswered request would)
 * and which remedy it picks. Nothing is sent and nothing changes.
 */
export async function dryRunPlaybook(playbook: Playbook, fixture: z.output<typeof recordedFixture>): Promise<DryRun> {
  const trouble: Trouble = fixture.trouble;
  const { trigger } = playbook;
  const matches =
    trigger.kind === trouble.kind &&
    (trigger.code === undefined || trigger.code === trouble.code) &&
    agentGlob(trigger.agent).test(trouble.agent);
  const sent: { request: string; input: JsonValue }[] = [];
  const diagnosis = await diagnose(playbook, trouble, {
    request: (type, input) => {
      sent.push({ request: type, input });
      if (!Object.hasOwn(fixture.replies, type)) return Promise.reject(new Error(`no recorded reply to ${type}`));
      return Promise.resolve(fixture.replies[type]);
    },
  });
  const remedy = chooseRemedy(playbook, trouble, diagnosis);
  return {
    playbook: playbook.id,
    matches,
    steps: playbook.diagnose.map((step, i) => ({
      id: step.id,
      request: step.request,
      input: sent[i]?.input ?? null,
      result: diagnosis[step.id] ?? { ok: false, error: 'not run' },
    })),
    remedy:
      remedy === undefined
        ? null
        : {
            id: remedy.id,
            risk: remedy.risk,
            summary: remedy.summary,
            action: 'platform' in remedy.action ? `platform ${remedy.action.platform}` : remedy.action.request,
            runs: remedy.risk === 'low' ? 'automatically' : 'after /approve',
          },
  };
}
