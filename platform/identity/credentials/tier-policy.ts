/**
 * The tiers an agent can be of, as the New-agent questionnaire names them
 * (templates/questionnaire.yml), and what each may hold without an approver. This is the
 * one place the allowance is written: a capability an agent's manifest declares beyond
 * its tier's list is issued only once someone approves it (`wow identity approve`).
 */
export const agentTiers = ['Platform CoE', 'Marketing', 'Education', 'Sales', 'Custom'] as const;

export type AgentTier = (typeof agentTiers)[number];

// Customer-facing agents answer through a model and keep their own tables; anything that
// acts on the repository (GitHub writes, reading code) is a decision a person signs off.
const customerFacing = ['llm:complete', 'store:read', 'store:write'] as const;

const allowance: Readonly<Record<AgentTier, readonly string[]>> = {
  // The platform's own agents review, generate and sync through GitHub.
  'Platform CoE': [
    'github:checks:write',
    'github:contents:read',
    'github:contents:write',
    'github:issues:write',
    'github:members:read',
    'github:pull_requests:write',
    // WowEvent's archive: it reads every event, and sends none of them on.
    'bus:watch',
    // WowAnalytics: the platform publishes error.occurred for an agent failing above its baseline.
    'errors:report',
    ...customerFacing,
  ],
  Marketing: customerFacing,
  Education: customerFacing,
  Sales: customerFacing,
  Custom: customerFacing,
};

/**
 * The capabilities an agent of `tier` holds without approval. A manifest that names no tier
 * is treated as Custom, the least trusted: leaving the tier out never widens what is issued.
 */
export function allowedCapabilities(tier: AgentTier | undefined): readonly string[] {
  return allowance[tier ?? 'Custom'];
}
