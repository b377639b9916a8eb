import { hasRepositoryRole, type RepositoryRole } from '#platform';
import type { Priority, Tier } from '#domains/support';
import type { ApproverCheck } from './is-approver.ts';

// The commands people give the desk on a ticket's issue, and the tier and priority labels
// they put on it, and who may give each: the rules of docs/security.md ("Who may do what"),
// in one place.

/** The author of the desk's own notes on a ticket (refusals), shown on the issue. */
export const deskAuthor = { kind: 'system', id: 'wow-desk' } as const;

const names = ['reply', 'solve', 'approve', 'resume'] as const;
export type CommandName = (typeof names)[number];
export interface IssueCommand {
  name: CommandName;
  /** What follows the command, trimmed. */
  text: string;
}

/** `/reply text…` → { name: 'reply', text }; a comment that starts with no command → undefined (a note). */
export function parseCommand(body: string): IssueCommand | undefined {
  const match = /^\s*\/([a-z]+)\b[ \t]*([\s\S]*)$/.exec(body);
  const name = names.find((c) => c === match?.[1]);
  return name === undefined ? undefined : { name, text: (match?.[2] ?? '').trim() };
}

/** Who gave the command or put the label, read from GitHub when it arrived (never from the payload). */
export interface Commenter {
  login: string;
  /** Read for `/reply`, `/solve` and labels only, which need `triage` or stronger. */
  role: RepositoryRole | undefined;
  /** Not asked (undefined) of someone below `triage`, who is refused for that alone, nor for a priority label. */
  approver: ApproverCheck | undefined;
}

/** The ticket as the command finds it, read under the ticket's lock. */
export interface ApprovalGate {
  tier: Tier;
  /** The ids of drafts waiting for an approver. */
  waiting: string[];
}

export type Verdict = { allowed: true } | { allowed: false; why: string };

/** How a refusal for a missing role says to fix it. */
const grantTriage = 'a repository admin can grant the role (Settings, Collaborators and teams)';

/**
 * Whether `commenter` may give `command` on a ticket in `gate`'s state. `/reply` and
 * `/solve` need `triage` or stronger; on an L3 ticket, or while a draft waits, `/reply` and
 * `/solve <text>` (both answer the customer) need an approver too; `/approve` and `/resume`
 * need an approver.
 */
export function judgeCommand(command: IssueCommand, commenter: Commenter, gate: ApprovalGate, repo: string): Verdict {
  const { login, role, approver } = commenter;
  if (command.name === 'approve' || command.name === 'resume') {
    if (approver?.approver === true) return { allowed: true };
    const act = command.name === 'approve' ? 'send a drafted answer' : 'resume a paused sync';
    return { allowed: false, why: `only an approver may ${act}, and ${approverWhy(approver, login)}` };
  }
  if (role === undefined || !hasRepositoryRole(role, 'triage')) {
    return {
      allowed: false,
      why: `it needs the \`triage\` role or stronger on ${repo}, and \`${login}\` has \`${role ?? 'none'}\`; ${grantTriage}`,
    };
  }
  const answers = command.name === 'reply' || command.text !== '';
  const guarded =
    gate.tier === 'L3'
      ? 'the ticket is at L3'
      : gate.waiting.length > 0
        ? 'a drafted answer waits for approval'
        : undefined;
  if (answers && guarded !== undefined && approver?.approver !== true) {
    return {
      allowed: false,
      why: `${guarded}, where only an approver answers the customer, and ${approverWhy(approver, login)}`,
    };
  }
  return { allowed: true };
}

const approverWhy = (check: ApproverCheck | undefined, login: string): string =>
  check?.approver === false ? check.why : `\`${login}\` is not among SUPPORT_APPROVERS`;

/** A `tier:` or `priority:` label a person put on a ticket's issue, and what it asks for. */
export interface LabelRequest {
  name: string;
  tier?: Tier;
  priority?: Priority;
}

/**
 * Whether `labeller` may move the ticket as `label` asks. Any tier or priority label needs
 * `triage` or stronger. A tier label that takes an L3 ticket out of L3, or changes the
 * tier while a draft waits, needs an approver too: otherwise a label would take a ticket
 * out of the approver's hands, and L2's specialist would answer the customer on its own.
 * Moving a ticket into L3 needs no approver: it only puts a person before every answer.
 */
export function judgeLabel(label: LabelRequest, labeller: Commenter, gate: ApprovalGate, repo: string): Verdict {
  const { login, role, approver } = labeller;
  if (role === undefined || !hasRepositoryRole(role, 'triage')) {
    return {
      allowed: false,
      why:
        `a \`tier:\` or \`priority:\` label needs the \`triage\` role or stronger on ${repo}, ` +
        `and \`${login}\` has \`${role ?? 'none'}\`; ${grantTriage}`,
    };
  }
  if (label.tier === undefined || label.tier === gate.tier) return { allowed: true };
  const guarded =
    gate.tier === 'L3'
      ? 'it takes the ticket out of L3'
      : gate.waiting.length > 0
        ? 'a drafted answer waits for approval'
        : undefined;
  if (guarded !== undefined && approver?.approver !== true)
    return { allowed: false, why: `${guarded}, which only an approver may do, and ${approverWhy(approver, login)}` };
  return { allowed: true };
}
