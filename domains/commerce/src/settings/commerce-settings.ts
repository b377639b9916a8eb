import { z } from 'zod';
import { sharedSettings } from '#platform';

const range = (min: number, max: number) => `expected an integer from ${min} to ${max}`;
const int = (min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: range(min, max) })
    .int({ error: range(min, max) })
    .min(min, { error: range(min, max) })
    .max(max, { error: range(min, max) })
    .default(fallback);
const unsetWhenEmpty = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(unsetWhenEmpty, schema.optional());

/**
 * Accounts' settings, each from its ACCOUNTS_* variable (.env.example), and the GitHub App's
 * OAuth client (GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET: the App's own, from its settings
 * page) with the team whose members are operators. Read by the HTTP door with
 * `readSharedSettings(accountSettings)`.
 */
export const accountSettings = sharedSettings(
  'ACCOUNTS_',
  z
    .object({
      sessionHours: int(1, 24 * 90, 24 * 14),
      operatorSessionHours: int(1, 24 * 7, 8),
      verifyHours: int(1, 24 * 14, 48),
      resetMinutes: int(5, 24 * 60, 60),
      inviteDays: int(1, 60, 7),
      loginPerIp: int(1, 100_000, 30),
      loginPerAccount: int(1, 10_000, 10),
      mailPerIp: int(1, 100_000, 10),
      githubClientId: optional(z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, { error: "expected the App's client id" })),
      githubClientSecret: optional(z.string().min(20, { error: "expected the App's client secret" }).max(200)),
      githubWebUrl: z
        .string()
        .trim()
        .refine((v) => URL.canParse(v) && ['https:', 'http:'].includes(new URL(v).protocol), {
          error: 'expected https://github.com, or a GitHub Enterprise Server origin',
        })
        .default('https://github.com'),
      githubApiUrl: z
        .string()
        .trim()
        .refine((v) => URL.canParse(v), { error: 'expected a URL' })
        .default('https://api.github.com'),
      operatorTeam: optional(
        z.string().regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, {
          error: 'expected org/team-slug, the GitHub team whose members are operators (e.g. acme/waooaw-ops)',
        }),
      ),
    })
    .transform((s): AccountSettings => {
      const [org = '', team = ''] = s.operatorTeam?.split('/') ?? [];
      const missing = [
        s.githubClientId === undefined ? 'GITHUB_CLIENT_ID' : undefined,
        s.githubClientSecret === undefined ? 'GITHUB_CLIENT_SECRET' : undefined,
        s.operatorTeam === undefined ? 'ACCOUNTS_OPERATOR_TEAM' : undefined,
      ].filter((v): v is string => v !== undefined);
      return {
        sessionSeconds: s.sessionHours * 3600,
        operatorSessionSeconds: s.operatorSessionHours * 3600,
        verifySeconds: s.verifyHours * 3600,
        resetSeconds: s.resetMinutes * 60,
        inviteSeconds: s.inviteDays * 86_400,
        login: { perIp: s.loginPerIp, perAccount: s.loginPerAccount, windowSeconds: 900 },
        mailPerIp: s.mailPerIp,
        operators:
          s.githubClientId === undefined || s.githubClientSecret === undefined || s.operatorTeam === undefined
            ? { missing }
            : {
                clientId: s.githubClientId,
                clientSecret: s.githubClientSecret,
                webUrl: s.githubWebUrl.replace(/\/$/, ''),
                apiUrl: s.githubApiUrl.replace(/\/$/, ''),
                team: { org, slug: team },
              },
      };
    }),
  {
    githubClientId: 'GITHUB_CLIENT_ID',
    githubClientSecret: 'GITHUB_CLIENT_SECRET',
    githubWebUrl: 'GITHUB_WEB_URL',
    githubApiUrl: 'GITHUB_API_URL',
  },
);

/** Operators sign in with GitHub when the App's client and the team are set; otherwise what is missing. */
export type OperatorSignIn =
  | {
      clientId: string;
      clientSecret: string;
      /** github.com, or a GitHub Enterprise Server's origin: where the browser is sent to authorise. */
      webUrl: string;
      apiUrl: string;
      team: { org: string; slug: string };
    }
  | { missing: string[] };

export interface AccountSettings {
  /** How long a customer's session lasts from sign-in. */
  sessionSeconds: number;
  /** How long an operator's lasts: shorter, since team membership is checked at sign-in. */
  operatorSessionSeconds: number;
  /** How long the mailed links live: email verification, password reset, an invitation. */
  verifySeconds: number;
  resetSeconds: number;
  inviteSeconds: number;
  /** Sign-in attempts allowed per client address and per email address in each window. */
  login: { perIp: number; perAccount: number; windowSeconds: number };
  /** Sign-ups and reset requests (each sends a mail) per client address in the same window. */
  mailPerIp: number;
  operators: OperatorSignIn;
}
