import { z } from 'zod';

const id = z
  .string()
  .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, { error: 'expected a kebab-case id, e.g. "cache-mistuned"' })
  .max(100);
const requestType = z
  .string()
  .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, { error: 'expected a request type, e.g. "cache.stats"' })
  .max(120);
// A request's input: plain JSON, with "{{path}}" templates filled from the incident, the diagnosis and a remedy's result.
const input = z.record(z.string(), z.json()).default({});

/** What a remedy does: a typed request answered by the responsible agent, or one of the platform's own actions. */
const action = z.union(
  [
    z.strictObject({ request: requestType, input }),
    z.strictObject({
      platform: z.enum(['redrive', 'rollback', 'suspend'], {
        error: 'expected one of redrive (dead letters), rollback (the last deploy), suspend (the agent)',
      }),
    }),
  ],
  { error: 'expected { request: <type>, input: {…} } or { platform: redrive | rollback | suspend }' },
);

/**
 * What undoes a remedy that did not help: a typed request (its input may name the remedy's
 * reply as `result`, e.g. the previous settings it recorded), or the platform's undo of its
 * own action: roll-forward after a rollback, resume after a suspension. A redrive has none.
 */
const undo = z.union(
  [
    z.strictObject({ request: requestType, input }),
    z.strictObject({
      platform: z.enum(['roll-forward', 'resume'], {
        error: 'expected roll-forward (undoes a rollback) or resume (undoes a suspension)',
      }),
    }),
  ],
  { error: 'expected { request: <type>, input: {…} } or { platform: roll-forward | resume }' },
);

export const playbookSchema = z.strictObject({
  id,
  title: z.string().min(1).max(200),
  trigger: z.strictObject({
    /** latency and failures: an incident's signals; error: an error.occurred event. */
    kind: z.enum(['latency', 'failures', 'error'], { error: 'expected latency, failures or error' }),
    code: z.string().min(1).max(80).optional(),
    /** A glob over agent ids ("*", "wow*"). */
    agent: z
      .string()
      .regex(/^[a-z0-9*-]{1,64}$/, { error: 'expected an agent id or a pattern with *, e.g. "wow*"' })
      .default('*'),
  }),
  diagnose: z
    .array(z.strictObject({ id, request: requestType, input, timeoutMs: z.int().min(100).max(60_000).optional() }))
    .max(10)
    .default([]),
  remedies: z
    .array(
      z.strictObject({
        id,
        risk: z.enum(['low', 'high'], { error: 'expected low or high' }),
        /**
         * A CEL expression over `agent`, `incident` and `diagnosis` (each step's reply by its id); absent: always.
         * Numbers from replies are doubles in CEL: compare them with 10.0, not 10.
         */
        when: z.string().min(1).max(1000).optional(),
        /** What the incident's issue and the customers are told was fixed. */
        summary: z.string().min(1).max(500),
        action,
        /** Run when the remedy did not help; `result` is the action's reply. Without it, the incident goes to L3 as it is. */
        undo: undo.optional(),
        /**
         * Over how many of WowAnalytics' windows (10 minutes each) after the remedy the agent must
         * be back within its baseline; a window not judged healthy after these undoes the remedy.
         */
        verifyWindows: z.int({ error: 'expected a whole number of windows from 1 to 12' }).min(1).max(12).default(3),
      }),
    )
    .min(1)
    .max(10),
});

export type Playbook = z.infer<typeof playbookSchema>;
export type Remedy = Playbook['remedies'][number];
export type PlaybookAction = Remedy['action'];
export type UndoAction = NonNullable<Remedy['undo']>;
