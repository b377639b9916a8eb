import { z } from 'zod';
import { defaultHealthPolicy, remedyVerdict, type RemedyVerdict } from '../../../wowanalytics/src/index.ts';
import { fillTemplate } from './fill-template.ts';
import type { Playbook, Remedy } from './playbook-schema.ts';
import {
  agentGlob,
  chooseRemedy,
  diagnose,
  scopeOf,
  type JsonValue,
  type StepResult,
  type Trouble,
} from './run-playbook.ts';

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
  /** What happened after the remedy, recorded: its reply (what an undo is filled from) and WowAnalytics' judgement of each window. */
  after: z
    .strictObject({
      result: z.json().optional(),
      windows: z
        .array(z.enum(['healthy', 'regressed', 'unknown']))
        .min(1)
        .max(24),
    })
    .optional(),
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
  /** With recorded windows after the remedy: WowAnalytics' verdict over them, and what WowSupport then does. */
  verification: {
    windows: readonly string[];
    verifyWindows: number;
    verdict: RemedyVerdict;
    /** The undo a verdict of no recovery runs, its request's input filled from the recorded result; null: none. */
    undo: { action: string; input: JsonValue | null } | null;
    then: string;
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
  const verification =
    remedy === undefined || fixture.after === undefined ? null : verify(remedy, trouble, diagnosis, fixture.after);
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
    verification,
  };
}

/** WowAnalytics' rule over the recorded windows, and the undo and escalation that follow when they show no recovery. */
function verify(
  remedy: Remedy,
  trouble: Trouble,
  diagnosis: Record<string, StepResult>,
  after: NonNullable<z.output<typeof recordedFixture>['after']>,
): NonNullable<DryRun['verification']> {
  const verdict = remedyVerdict(after.windows, {
    verifyWindows: remedy.verifyWindows,
    healthyChecksToClose: defaultHealthPolicy.healthyChecksToClose,
  });
  const { undo } = remedy;
  const undone =
    undo === undefined
      ? null
      : 'platform' in undo
        ? { action: `platform ${undo.platform}`, input: null }
        : { action: undo.request, input: fillTemplate(undo.input, scopeOf(trouble, diagnosis, after.result)) };
  const then =
    verdict.verdict === 'recovered'
      ? 'the incident closes: the remedy helped'
      : verdict.verdict === 'pending'
        ? 'no verdict yet: record more windows'
        : `${undone === null ? 'nothing undoes it' : 'the remedy is undone'}, and the incident escalates to L3`;
  return {
    windows: after.windows,
    verifyWindows: remedy.verifyWindows,
    verdict,
    undo: verdict.verdict === 'unrecovered' ? undone : null,
    then,
  };
}
