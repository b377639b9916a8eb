import { evaluate as evaluateCel } from '@marcbachmann/cel-js';
import { fillTemplate } from './fill-template.ts';
import type { LoadedPlaybook } from './load-playbooks.ts';
import type { Playbook, PlaybookAction, Remedy, UndoAction } from './playbook-schema.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** What a playbook is run for: an incident (latency, failures) or an error.occurred. */
export interface Trouble {
  incidentId: string;
  agent: string;
  kind: 'latency' | 'failures' | 'error';
  code?: string | undefined;
  eventType?: string | undefined;
  /** The health figures judged, when an incident; the error's sample, when an error. */
  figures?: unknown;
}

/** One of the platform's own actions a remedy (or its undo) takes, with why, for the platform's audit. */
export interface PlatformCall {
  action: 'redrive' | 'rollback' | 'suspend' | 'roll-forward' | 'resume';
  trouble: Trouble;
  /** The playbook and remedy, in words: the reason the platform keeps. */
  reason: string;
  /** The approver whose /approve released it, for a high-risk remedy. */
  approvedBy?: string | undefined;
  /** For an undo: the reply of the action it undoes (a rollback's `previousTreeHash`). */
  result?: unknown;
}

/** How a playbook reaches the agents: a typed request, and the platform's own actions (ctx.platform). */
export interface PlaybookPorts {
  request(type: string, input: JsonValue, timeoutMs?: number): Promise<unknown>;
  platform(call: PlatformCall): Promise<unknown>;
}

export type StepResult = { ok: true; value: unknown } | { ok: false; error: string };

/** An agent pattern: `*` stands for any run of an id's characters, the rest is literal (the schema allows only [a-z0-9*-]). */
export const agentGlob = (glob: string): RegExp => new RegExp(`^${glob.split('*').join('[a-z0-9-]*')}$`);

/** Every playbook whose trigger fits, in the order they are tried: those naming the error's code first, then in file order. */
export function matchPlaybooks(playbooks: readonly LoadedPlaybook[], trouble: Trouble): Playbook[] {
  const specificFirst = [...playbooks].sort(
    (a, b) => Number(b.playbook.trigger.code !== undefined) - Number(a.playbook.trigger.code !== undefined),
  );
  return specificFirst
    .filter(({ playbook: { trigger } }) => {
      if (trigger.kind !== trouble.kind) return false;
      if (trigger.code !== undefined && trigger.code !== trouble.code) return false;
      return agentGlob(trigger.agent).test(trouble.agent);
    })
    .map(({ playbook }) => playbook);
}

/** What a request's templates are filled from: the agent, the incident, each step's reply and, for an undo, the remedy's. */
export const scopeOf = (trouble: Trouble, diagnosis: Record<string, StepResult>, result?: unknown) => ({
  agent: trouble.agent,
  incident: trouble,
  diagnosis: Object.fromEntries(Object.entries(diagnosis).map(([k, v]) => [k, v.ok ? v.value : { error: v.error }])),
  ...(result === undefined ? {} : { result }),
});

/** Each diagnosis step's reply by its id; a step that fails is recorded with its error, and the others still run. */
export async function diagnose(
  playbook: Playbook,
  trouble: Trouble,
  ports: Pick<PlaybookPorts, 'request'>,
): Promise<Record<string, StepResult>> {
  const diagnosis: Record<string, StepResult> = {};
  for (const step of playbook.diagnose) {
    const input = fillTemplate(step.input, scopeOf(trouble, diagnosis));
    try {
      diagnosis[step.id] = { ok: true, value: await ports.request(step.request, input, step.timeoutMs) };
    } catch (err) {
      diagnosis[step.id] = { ok: false, error: (err instanceof Error ? err.message : String(err)).slice(0, 300) };
    }
  }
  return diagnosis;
}

/**
 * The first remedy whose condition holds on the diagnosis (CEL: no code runs, only the
 * expression over `incident`, `agent` and `diagnosis`). A condition that cannot be
 * evaluated (a step failed, a field is missing) does not hold.
 */
export function chooseRemedy(
  playbook: Playbook,
  trouble: Trouble,
  diagnosis: Record<string, StepResult>,
): Remedy | undefined {
  const scope = scopeOf(trouble, diagnosis);
  return playbook.remedies.find((remedy) => {
    if (remedy.when === undefined) return true;
    try {
      return evaluateCel(remedy.when, JSON.parse(JSON.stringify(scope)) as Record<string, unknown>) === true;
    } catch {
      return false;
    }
  });
}

/** Runs a remedy's action (or its undo, with the action's reply as `result`). */
export async function runAction(
  action: PlaybookAction | UndoAction,
  run: { trouble: Trouble; diagnosis: Record<string, StepResult>; reason: string; approvedBy?: string | undefined },
  ports: PlaybookPorts,
  result?: unknown,
): Promise<unknown> {
  const { trouble, diagnosis } = run;
  if ('platform' in action)
    return ports.platform({ action: action.platform, trouble, reason: run.reason, approvedBy: run.approvedBy, result });
  return ports.request(action.request, fillTemplate(action.input, scopeOf(trouble, diagnosis, result)));
}
