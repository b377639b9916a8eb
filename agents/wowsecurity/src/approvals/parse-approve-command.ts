import { capabilityForms, capabilityPattern } from '#platform';

export type ApproveCommand =
  { ok: true; agentId: string; capability: string; reason: string | undefined } | { ok: false; problem: string };

const usage =
  'write `/approve <agent-id> <capability> [reason]`, e.g. `/approve release-notes github:contents:write needed to publish notes`';
// Where a command may stand: its own line, near the top of the comment (a longer comment is a stranger's essay).
const scanned = 10_000;
const command = /^[ \t]*\/approve(?:[ \t]+([^\r\n]*))?[ \t]*$/m;
const agentId = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
// The support desk's `/approve <draft-id>` names a message by its UUID: that one is WowSupport's.
const draftId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const hidden = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
const maxReason = 500;

/**
 * The `/approve` a comment holds, checked word by word before anything trusts it: an agent
 * id as agent.yml spells one, a capability as the platform grants one, a reason of at most
 * 500 characters with nothing hidden. Undefined when the comment holds no `/approve` of
 * WowSecurity's (none at all, or the desk's draft approval).
 */
export function parseApproveCommand(body: string): ApproveCommand | undefined {
  const line = command.exec(body.slice(0, scanned));
  if (line === null) return undefined;
  const [first = '', second, ...rest] = (line[1] ?? '').trim().split(/[ \t]+/);
  if (draftId.test(first)) return undefined;
  if (first === '') return { ok: false, problem: `name the agent and the capability: ${usage}` };
  if (first.length > 64 || !agentId.test(first))
    return {
      ok: false,
      problem: `the first word must be an agent id in kebab-case (e.g. \`release-notes\`): ${usage}`,
    };
  if (second === undefined) return { ok: false, problem: `name the capability to approve: ${usage}` };
  if (second.length > 100 || !capabilityPattern.test(second))
    return { ok: false, problem: `the second word must be a capability, one of ${capabilityForms}` };
  const reason = rest.join(' ');
  if (reason.length > maxReason) return { ok: false, problem: `the reason is longer than ${maxReason} characters` };
  if (hidden.test(reason))
    return { ok: false, problem: 'the reason holds a control, direction or zero-width character' };
  return { ok: true, agentId: first, capability: second, reason: reason === '' ? undefined : reason };
}
