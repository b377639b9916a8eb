import { describe, expect, it } from 'vitest';
import type { RepositoryRole } from '#platform';
import {
  judgeCommand,
  judgeLabel,
  parseCommand,
  type ApprovalGate,
  type Commenter,
} from '../src/sync/issue-commands.ts';
import { requestedByLabel } from '../src/sync/ticket-labels.ts';

// docs/security.md's table of who may give which command, case by case. The door tests
// (issue-commands.test.ts) try the same rules through a signed webhook.
const repo = 'acme/support';
const who = (role: RepositoryRole | undefined, approver: boolean): Commenter => ({
  login: 'pat',
  role,
  approver: approver ? { approver: true } : { approver: false, why: '`pat` is not among SUPPORT_APPROVERS' },
});
const l1: ApprovalGate = { tier: 'L1', waiting: [] };
const l3: ApprovalGate = { tier: 'L3', waiting: ['d-1'] };
// A person moved the ticket back to L2 by label while its draft still waits.
const draftWaitsAtL2: ApprovalGate = { tier: 'L2', waiting: ['d-1'] };
const allowed = (body: string, commenter: Commenter, gate: ApprovalGate) => {
  const command = parseCommand(body);
  if (command === undefined) throw new Error(`${body} is no command`);
  return judgeCommand(command, commenter, gate, repo).allowed;
};

describe("who may give which command on a ticket's issue", () => {
  it('/reply and /solve: triage or stronger; below it, refused whatever else the person is', () => {
    for (const role of ['triage', 'write', 'maintain', 'admin'] as const) {
      expect(allowed('/reply Hello', who(role, false), l1)).toBe(true);
      expect(allowed('/solve', who(role, false), l1)).toBe(true);
    }
    for (const role of ['none', 'read'] as const) {
      expect(allowed('/reply Hello', who(role, true), l1)).toBe(false);
      expect(allowed('/solve Done', who(role, true), l1)).toBe(false);
    }
  });

  it('on an L3 ticket, or while a draft waits: /reply and /solve <text> need an approver too; /solve alone does not', () => {
    for (const gate of [l3, draftWaitsAtL2]) {
      expect(allowed('/reply Hello', who('write', false), gate)).toBe(false);
      expect(allowed('/solve Done', who('write', false), gate)).toBe(false);
      expect(allowed('/solve', who('write', false), gate)).toBe(true);
      expect(allowed('/reply Hello', who('triage', true), gate)).toBe(true);
      expect(allowed('/solve Done', who('triage', true), gate)).toBe(true);
    }
    const refusal = judgeCommand({ name: 'reply', text: 'Hello' }, who('admin', false), draftWaitsAtL2, repo);
    expect(refusal).toEqual({
      allowed: false,
      why: 'a drafted answer waits for approval, where only an approver answers the customer, and `pat` is not among SUPPORT_APPROVERS',
    });
  });

  it('/approve and /resume: approvers only, whatever their role', () => {
    for (const body of ['/approve d-1', '/resume']) {
      expect(allowed(body, who(undefined, true), l3)).toBe(true);
      expect(allowed(body, who('admin', false), l3)).toBe(false);
    }
  });

  it('says what a stranger lacks and how to grant it', () => {
    expect(judgeCommand({ name: 'reply', text: 'Hi' }, who('read', false), l1, repo)).toEqual({
      allowed: false,
      why:
        'it needs the `triage` role or stronger on acme/support, and `pat` has `read`; ' +
        'a repository admin can grant the role (Settings, Collaborators and teams)',
    });
  });

  it('reads a command only at the start of a comment, and only the four it knows', () => {
    expect(parseCommand('  /approve  abc def')).toEqual({ name: 'approve', text: 'abc def' });
    expect(parseCommand('please /reply hi')).toBeUndefined();
    expect(parseCommand('/replyall hi')).toBeUndefined();
    expect(parseCommand('/Reply hi')).toBeUndefined();
  });
});

describe("who may put which tier: or priority: label on a ticket's issue", () => {
  const labelled = (name: string, labeller: Commenter, gate: ApprovalGate) =>
    judgeLabel({ name, ...requestedByLabel(name) }, labeller, gate, repo);
  const l2: ApprovalGate = { tier: 'L2', waiting: [] };
  const l3Sent: ApprovalGate = { tier: 'L3', waiting: [] };

  it('any tier or priority label: triage or stronger; below it, refused even for an approver', () => {
    for (const role of ['triage', 'write', 'maintain', 'admin'] as const) {
      expect(labelled('priority:urgent', who(role, false), l1).allowed).toBe(true);
      expect(labelled('tier:L2', who(role, false), l1).allowed).toBe(true);
    }
    for (const role of ['none', 'read', undefined] as const) {
      expect(labelled('priority:low', who(role, true), l1).allowed).toBe(false);
      expect(labelled('tier:L3', who(role, true), l1).allowed).toBe(false);
    }
    expect(labelled('priority:urgent', who('read', false), l1)).toEqual({
      allowed: false,
      why:
        'a `tier:` or `priority:` label needs the `triage` role or stronger on acme/support, and `pat` has `read`; ' +
        'a repository admin can grant the role (Settings, Collaborators and teams)',
    });
  });

  it('out of L3, or any tier change while a draft waits: an approver too; into L3, or a priority on an L3 ticket: triage is enough', () => {
    for (const gate of [l3, l3Sent]) {
      expect(labelled('tier:L2', who('admin', false), gate).allowed).toBe(false);
      expect(labelled('tier:L1', who('admin', false), gate).allowed).toBe(false);
      expect(labelled('tier:L2', who('triage', true), gate).allowed).toBe(true);
      expect(labelled('priority:urgent', who('triage', false), gate).allowed).toBe(true);
    }
    expect(labelled('tier:L1', who('write', false), draftWaitsAtL2).allowed).toBe(false);
    expect(labelled('tier:L3', who('write', false), draftWaitsAtL2).allowed).toBe(false);
    expect(labelled('tier:L3', who('triage', false), l2).allowed).toBe(true);
    expect(labelled('tier:L1', who('triage', false), l2).allowed).toBe(true);
    expect(labelled('tier:L2', who('write', false), l3)).toEqual({
      allowed: false,
      why: 'it takes the ticket out of L3, which only an approver may do, and `pat` is not among SUPPORT_APPROVERS',
    });
  });
});
