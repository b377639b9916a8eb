import { z } from 'zod';
import { supportSettings } from '#domains/support';

const seconds = (fallback: number, min = 1) => {
  const error = `expected an integer from ${min} to 86400`;
  return z.coerce.number({ error }).int({ error }).min(min, { error }).max(86_400, { error }).default(fallback);
};
const unsetWhenEmpty = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const list = (pattern: RegExp, error: string) =>
  z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((item) => item.trim().replace(/^@/, ''))
        .filter((item) => item !== ''),
    )
    .refine((items) => items.every((item) => pattern.test(item)), { error });

// As GitHub spells a login, and as agent.yml spells an id.
const login = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const agentId = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** The platform's own agents, which no burst suspends unless WOWSECURITY_EXEMPT says otherwise: they run the gate, the desk and this. */
const platformAgents = 'factory,wowanalytics,wownotification,wowsearch,wowsupport,wowvision';

/**
 * WowSecurity's settings, each from its WOWSECURITY_* variable (.env.example), and the
 * support desk's (SUPPORT_REPO, whose `/approve` comments are the desk's, not this agent's).
 */
export const securitySettings = z.object({
  support: supportSettings,
  /** WOWSECURITY_REPO: owner/repo where incident issues open; unset, bursts are kept and acted on with no issue. */
  repo: z.preprocess(
    unsetWhenEmpty,
    z
      .string()
      .regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, {
        error: 'expected owner/repo, the repository where security incidents become issues',
      })
      .transform((v) => {
        const [owner = '', repo = ''] = v.split('/');
        return { owner, repo };
      })
      .optional(),
  ),
  /** WOWSECURITY_QUIET_SECONDS: a burst ends, and its issue closes, after this long without a violation. */
  quietSeconds: seconds(900),
  /** WOWSECURITY_SUSPEND_THRESHOLD: violations of one agent within the window that suspend it; 0 never suspends. */
  suspendThreshold: z.coerce
    .number({ error: 'expected an integer from 0 to 100000' })
    .int({ error: 'expected an integer from 0 to 100000' })
    .min(0, { error: 'expected an integer from 0 to 100000' })
    .max(100_000, { error: 'expected an integer from 0 to 100000' })
    .default(20),
  /** WOWSECURITY_WINDOW_SECONDS: the window the threshold counts in. */
  windowSeconds: seconds(300),
  /** WOWSECURITY_APPROVERS: logins whose `/approve` counts, besides the repository's admins and maintainers. */
  approvers: list(login, 'expected GitHub logins, comma-separated (e.g. "ada, grace")').default([]),
  /** WOWSECURITY_EXEMPT: agents never suspended automatically (WowSecurity itself never is). */
  exempt: list(agentId, 'expected agent ids, comma-separated (e.g. "wowvision, factory")').prefault(platformAgents),
});

export type SecuritySettings = z.infer<typeof securitySettings>;
