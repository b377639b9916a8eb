import { z } from 'zod';
import { assertPatternValid, assertEventTypeValid } from '../bus/envelope.ts';
import { capabilityForms, capabilityPattern } from './capabilities.ts';
import { agentTiers } from '../identity/credentials/tier-policy.ts';

const validBy = (check: (v: string) => unknown) => (v: string) => {
  try {
    check(v);
    return true;
  } catch {
    return false;
  }
};

/** The `scaling:` an agent gets when its manifest has none (or leaves a bound out). */
export const scalingDefaults = { minReplicas: 1, maxReplicas: 5, pendingPerReplica: 20 } as const;

/**
 * The terms one request type in `answers` gives its callers; the Factory's questionnaire
 * checks an agent's requests against this schema too, so the bounds have one source.
 */
export const requestTermsSchema = z.strictObject({
  /** How long a caller waits by default. */
  timeoutMs: z.int({ error: 'expected milliseconds from 10 to 300000' }).min(10).max(300_000).default(10_000),
  /** The longest a caller may ask to wait. */
  maxTimeoutMs: z.int({ error: 'expected milliseconds from 10 to 300000' }).min(10).max(300_000).optional(),
  /** Requests one caller process may have in flight to it (the bulkhead)… */
  concurrency: z.int({ error: 'expected an integer from 1 to 1000' }).min(1).max(1000).default(16),
  /** …and waiting for a slot beyond those; more are refused (WOW_ERR_BULKHEAD_FULL). */
  queue: z.int({ error: 'expected an integer from 0 to 10000' }).min(0).max(10_000).default(64),
});

/**
 * `agent.yml`: the declared half of an agent. This schema is the only source; the type
 * below and platform/agent/agent.schema.json (for editors) are derived from it.
 */
/** What a customer-facing agent lists in the marketplace: its card and profile (issue 21). */
export const catalogSchema = z.strictObject({
  /** One emoji shown in the agent's round avatar. */
  avatar: z.string().min(1).max(16, { error: 'expected one emoji' }),
  /** What it is best at, in a few words, under its name on the card. */
  specialty: z.string().min(1).max(80, { error: 'expected at most 80 characters' }),
  /** The specialisations it is shaped for (its prompts and tool settings), filtered on in the marketplace. */
  industries: z.array(z.string().min(1).max(40)).min(1, { error: 'expected at least one industry' }).max(12),
  /** What it can do, as filter tags. */
  skills: z
    .array(z.string().regex(/^[a-z][a-z0-9-]*$/, { error: 'expected a kebab-case skill' }))
    .min(1)
    .max(20),
  /** Its plan's price band (config/pricing.yml gives each band's monthly price in paise). */
  priceTier: z.enum(['basic', 'standard', 'premium'], { error: 'expected basic, standard or premium' }),
  /**
   * An agent an organisation asked for (a custom agent): that organisation's id. Only its
   * members see the agent in the marketplace, try it, hire it or send it tasks.
   */
  privateTo: z.uuid({ error: 'expected the id (a UUID) of the organisation the agent is private to' }).optional(),
});

/** A JSON Schema of a task's input: an object of bounded, simple fields, checked with Ajv at the API. */
const taskInputSchema = z.looseObject({ type: z.literal('object'), properties: z.record(z.string(), z.unknown()) });

/** One kind of work a customer can send a customer-facing agent (`POST /api/agents/<id>/tasks`). */
export const taskTermsSchema = z.strictObject({
  /** The form's and the dashboard's title, e.g. "Audit a page". */
  title: z.string().min(1).max(80),
  /** What the customer gets, one sentence. */
  description: z.string().min(1).max(300),
  input: taskInputSchema,
  /** A person's minutes this task saves, for the dashboard's ROI. */
  minutesSaved: z.int().min(1).max(10_000),
});

export const manifestSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, {
      error: 'expected kebab-case, e.g. "wow-vision", equal to the folder name',
    }),
    name: z.string().min(1, { error: 'expected a display name' }),
    version: z
      .string()
      .regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, { error: 'expected a semantic version, e.g. "1.0.0"' }),
    description: z.string().min(1, { error: 'expected one sentence on what the agent does' }),
    // Decides which capabilities are issued without an approver (platform/identity/credentials/tier-policy.ts).
    tier: z.enum(agentTiers, { error: `expected one of ${agentTiers.join(', ')}` }).optional(),
    wakesOn: z
      .array(
        z.string().refine(validBy(assertPatternValid), {
          error: 'expected an event type or a "<domain>.<entity>.*" pattern, e.g. "github.pull_request.*"',
        }),
      )
      .min(1, { error: 'expected at least one event type the agent wakes on' }),
    emits: z
      .array(
        z
          .string()
          .refine(validBy(assertEventTypeValid), { error: 'expected an event type, e.g. "vision.review.completed"' }),
      )
      .default([]),
    /**
     * The request types the agent serves (`ctx.request`): each one it wakes on, with the
     * terms its callers get. The handler in `on` gives the `output` schema its reply is
     * checked against (platform/communication/).
     */
    answers: z
      .record(
        z.string().refine(validBy(assertEventTypeValid), { error: 'expected a request type, e.g. "search.articles"' }),
        requestTermsSchema,
      )
      .optional(),
    capabilities: z.array(z.string().regex(capabilityPattern, { error: `expected ${capabilityForms}` })).default([]),
    stores: z
      .array(z.string().regex(/^[a-z_][a-z0-9_]*$/, { error: 'expected a table name in snake_case' }))
      .default([]),
    /**
     * Tables and views the agent reaches beyond its own `stores`: a domain's tables, another
     * agent's, the platform's shared registry. `name` reads; `name:write` also writes (with
     * `store:write`). Its store role is granted exactly these (platform/agent/provision-agent-role.ts).
     */
    uses: z
      .array(
        z.string().regex(/^[a-z_][a-z0-9_]*(:write)?$/, {
          error: 'expected a table or view name in snake_case, with ":write" to write it, e.g. "support_tickets:write"',
        }),
      )
      .default([]),
    concurrency: z.int({ error: 'expected an integer from 1 to 1000' }).min(1).max(1000).optional(),
    ordered: z.boolean({ error: 'expected true or false' }).default(false),
    maxAttempts: z.int({ error: 'expected an integer from 1 to 100' }).min(1).max(100).optional(),
    visibilityTimeoutMs: z.int({ error: 'expected milliseconds, at least 100' }).min(100).optional(),
    /** Customer-facing agents only: the marketplace card and profile. */
    catalog: catalogSchema.optional(),
    /** Customer-facing agents only: the task types customers send it, by type, e.g. "seo.audit". */
    tasks: z
      .record(
        z
          .string()
          .regex(/^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/, { error: 'expected "<agent>.<task>", e.g. "seo.audit"' }),
        taskTermsSchema,
      )
      .optional(),
    /**
     * How Kubernetes scales the agent's workers (KEDA, on its streams' pending entries):
     * `wow infra k8s` writes them into its ScaledObject. 0 replicas when idle also stops its
     * schedules and heartbeats, so the default keeps one.
     */
    scaling: z
      .strictObject({
        minReplicas: z
          .int({ error: 'expected an integer from 0 to 100' })
          .min(0)
          .max(100)
          .default(scalingDefaults.minReplicas),
        maxReplicas: z
          .int({ error: 'expected an integer from 1 to 100' })
          .min(1)
          .max(100)
          .default(scalingDefaults.maxReplicas),
        pendingPerReplica: z
          .int({ error: 'expected an integer from 1 to 100000' })
          .min(1)
          .max(100_000)
          .default(scalingDefaults.pendingPerReplica),
      })
      .refine((s) => s.maxReplicas >= s.minReplicas, {
        error: 'expected maxReplicas at least minReplicas',
      })
      .optional(),
  })
  .superRefine((m, ctx) => {
    for (const [type, terms] of Object.entries(m.answers ?? {})) {
      if (!m.wakesOn.includes(type))
        ctx.addIssue({
          code: 'custom',
          path: ['answers', type],
          message: `expected "${type}" in wakesOn too: an agent answers only the requests it wakes on`,
        });
      if (terms.maxTimeoutMs !== undefined && terms.maxTimeoutMs < terms.timeoutMs)
        ctx.addIssue({
          code: 'custom',
          path: ['answers', type, 'maxTimeoutMs'],
          message: 'expected maxTimeoutMs at least timeoutMs',
        });
    }
  });

export type AgentManifest = z.infer<typeof manifestSchema>;
export type AgentCatalog = z.infer<typeof catalogSchema>;
export type TaskTerms = z.infer<typeof taskTermsSchema>;
