import { z } from 'zod';
import { sharedSettings } from '#platform';

const range = (min: number, max: number) => `expected an integer from ${min} to ${max}`;
const integer = (min: number, max: number) =>
  z.coerce
    .number({ error: range(min, max) })
    .int({ error: range(min, max) })
    .min(min, { error: range(min, max) })
    .max(max, { error: range(min, max) });
const int = (min: number, max: number, fallback: number) => integer(min, max).default(fallback);
const unsetWhenEmpty = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(unsetWhenEmpty, schema.optional());
const base64Key = (valid: (v: string) => boolean, error: string) =>
  z
    .string()
    .trim()
    .refine(valid, { error })
    .transform((v) => Buffer.from(v, 'base64'));
// AES-256 takes exactly 32 bytes; an HMAC key, at least 32.
const exactly32Bytes = (v: string) => /^[A-Za-z0-9+/]{43}=$/.test(v);
const atLeast32Bytes = (v: string) => /^[A-Za-z0-9+/_-]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length >= 32;
const list = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

/**
 * The support desk's settings, each from its SUPPORT_* variable (.env.example), shared by
 * the doors that take tickets and every agent that works on them: read once per process
 * with `readSharedSettings(supportSettings)`, or by an agent under a key of its settings.
 */
export const supportSettings = sharedSettings(
  'SUPPORT_',
  z
    .object({
      repo: optional(
        z.string().regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, {
          error: 'expected owner/repo, the repository where tickets become issues',
        }),
      ),
      // The repository and folder of the knowledge base's Markdown articles: WowSupport opens
      // pull requests adding what it learns from solved tickets there, and WowSearch imports
      // them when merged. Unset: SUPPORT_REPO; learning from tickets stops without either.
      kbRepo: optional(
        z.string().regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, {
          error: 'expected owner/repo, the repository holding the knowledge-base articles',
        }),
      ),
      kbDir: z
        .string()
        .regex(/^(?!\/)(?!.*(?:^|\/)\.\.?(?:\/|$))[A-Za-z0-9._/-]{1,200}$/, {
          error: 'expected a folder of the repository, relative and without . or .. (e.g. docs/kb)',
        })
        .default('docs/kb'),
      approvers: optional(
        z
          .string()
          .regex(/^\s*@?[A-Za-z0-9-]+(?:\/[A-Za-z0-9._-]+)?(?:\s*,\s*@?[A-Za-z0-9-]+(?:\/[A-Za-z0-9._-]+)?)*\s*$/, {
            error: 'expected GitHub logins or org/team slugs, comma-separated (e.g. "ada, acme/support-leads")',
          }),
      ),
      personalDataInIssues: z.enum(['true', 'false'], { error: 'expected true or false' }).default('false'),
      l1Threshold: z.coerce
        .number({ error: 'expected a number from 0 to 1' })
        .min(0, { error: 'expected a number from 0 to 1' })
        .max(1, { error: 'expected a number from 0 to 1' })
        .default(0.6),
      rateLimitPerMinute: int(1, 100_000, 60),
      formPerIpPerHour: int(1, 100_000, 20),
      formPerEmailPerHour: int(1, 100_000, 5),
      formPerDomainPerHour: int(1, 1_000_000, 50),
      secretsKey: optional(
        base64Key(exactly32Bytes, 'expected 32 random bytes in base64 (e.g. the output of "openssl rand -base64 32")'),
      ),
      formKey: optional(
        base64Key(
          atLeast32Bytes,
          'expected at least 32 random bytes in base64 (e.g. the output of "openssl rand -base64 32")',
        ),
      ),
      smtpPort: optional(integer(0, 65535)),
      smtpHost: z.string().min(1).default('127.0.0.1'),
      smtpDomains: optional(
        z.string().regex(/^\s*[A-Za-z0-9.-]+\.[A-Za-z0-9-]+(?:\s*,\s*[A-Za-z0-9.-]+\.[A-Za-z0-9-]+)*\s*$/, {
          error: 'expected mail domains, comma-separated (e.g. "support.example.com, example.com")',
        }),
      ),
      // Mail to `<agent-id>@<this domain>` becomes a task for that agent (app/tasks/task-mail.ts).
      tasksDomain: optional(
        z.string().regex(/^\s*[A-Za-z0-9.-]+\.[A-Za-z0-9-]+\s*$/, {
          error: 'expected one mail domain (e.g. agents.example.com)',
        }),
      ),
      smtpMaxBytes: int(64 * 1024, 50 * 1024 * 1024, 10 * 1024 * 1024),
      smtpMaxClients: int(1, 10_000, 50),
      smtpUrl: optional(
        z
          .string()
          .trim()
          .refine((v) => URL.canParse(v) && ['smtp:', 'smtps:'].includes(new URL(v).protocol), {
            error: 'expected a URL starting with smtp:// or smtps://',
          }),
      ),
      emailFrom: z
        .string()
        .regex(/^[^\s@<>]+@[^\s@<>]+$/, { error: 'expected an email address (e.g. support@example.com)' })
        .default('support@waooaw.localhost'),
      slaSweepSeconds: int(0, 86_400, 60),
    })
    .transform((s): SupportSettings => {
      const [owner, repo] = s.repo?.split('/') ?? [];
      const approvers = list(s.approvers).map((a) => a.replace(/^@/, ''));
      const listed = list(s.smtpDomains).map((d) => d.toLowerCase());
      return {
        repo: owner === undefined || repo === undefined ? undefined : { owner, repo },
        // The knowledge base's repository is the support repository unless named.
        knowledgeBase: {
          repo: s.kbRepo === undefined ? s.repo : s.kbRepo,
          dir: s.kbDir.replace(/\/+$/, ''),
        },
        approvers: {
          logins: approvers.filter((a) => !a.includes('/')),
          teams: approvers
            .filter((a) => a.includes('/'))
            .map((a) => ({ org: a.split('/')[0] ?? '', slug: a.split('/')[1] ?? '' })),
        },
        personalDataInIssues: s.personalDataInIssues === 'true',
        l1Threshold: s.l1Threshold,
        rateLimitPerMinute: s.rateLimitPerMinute,
        secretsKey: s.secretsKey,
        form: {
          perIpPerHour: s.formPerIpPerHour,
          perEmailPerHour: s.formPerEmailPerHour,
          perDomainPerHour: s.formPerDomainPerHour,
          key: s.formKey,
        },
        smtpListen:
          s.smtpPort === undefined
            ? undefined
            : {
                host: s.smtpHost,
                port: s.smtpPort,
                // The desk's own address's domain, unless domains are listed.
                domains:
                  listed.length > 0 ? listed : [s.emailFrom.slice(s.emailFrom.lastIndexOf('@') + 1).toLowerCase()],
                maxBytes: s.smtpMaxBytes,
                maxClients: s.smtpMaxClients,
              },
        tasksDomain: s.tasksDomain?.trim().toLowerCase(),
        smtpUrl: s.smtpUrl,
        emailFrom: s.emailFrom,
        slaSweepMs: s.slaSweepSeconds * 1000,
      };
    }),
  // Outbound mail's URL predates the prefix; the desk reads it under its old name.
  { smtpUrl: 'SMTP_URL' },
);

export interface SupportSettings {
  /** Where each ticket becomes an issue; undefined: tickets are not synced with GitHub. */
  repo: { owner: string; repo: string } | undefined;
  /** Where the knowledge base's Markdown articles live (owner/repo, folder): learned articles are proposed there. */
  knowledgeBase: { repo: string | undefined; dir: string };
  /** Logins and org/team slugs whose `/approve` releases an L3 draft. */
  approvers: { logins: string[]; teams: { org: string; slug: string }[] };
  /** Whether a customer's name and email may appear in the issue body. */
  personalDataInIssues: boolean;
  /** The share of a question an article must cover before L1 answers alone. */
  l1Threshold: number;
  /** Ticket API requests per customer per minute. */
  rateLimitPerMinute: number;
  /**
   * The web form: posts per client address, tickets per email address (its +tag aside, and
   * a Gmail address's dots) and per email domain, per hour; and
   * the key its submission ids are signed with (undefined: a random key per process, so a
   * form served by one process and posted to another is taken as a new submission).
   */
  form: { perIpPerHour: number; perEmailPerHour: number; perDomainPerHour: number; key: Buffer | undefined };
  /**
   * The key customers' webhook secrets are sealed with (AES-256-GCM); undefined: no
   * webhook secret can be stored or read, so customers with a webhook cannot be added.
   */
  secretsKey: Buffer | undefined;
  /**
   * The inbound SMTP listener; undefined: no listener. It takes mail for `domains` only
   * (SUPPORT_SMTP_DOMAINS, else SUPPORT_EMAIL_FROM's domain), of at most `maxBytes`, from
   * at most `maxClients` connections at once.
   */
  smtpListen: { host: string; port: number; domains: string[]; maxBytes: number; maxClients: number } | undefined;
  /**
   * The agents' mail domain (SUPPORT_TASKS_DOMAIN): the listener takes mail to
   * `<agent-id>@<it>` as tasks; undefined: no tasks by mail.
   */
  tasksDomain: string | undefined;
  /** Outbound mail; undefined: replies to email tickets wait, undelivered, until it is set. */
  smtpUrl: string | undefined;
  emailFrom: string;
  /** How often the desk's SLA clocks are swept for breaches and near breaches; 0: never. */
  slaSweepMs: number;
}
