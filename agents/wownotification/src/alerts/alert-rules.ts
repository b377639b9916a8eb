import { z } from 'zod';
import { parseYamlWith, typeMatches } from '#platform';
import { createError } from '../errors.ts';

/** An operator's alert: what happened, on which agent, how bad. */
export interface Alert {
  type: string;
  agent: string;
  severity: Severity;
}

export const severities = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof severities)[number];

const slackChannel = z
  .string()
  .regex(/^#[a-z0-9][a-z0-9_-]{0,79}$/, 'a Slack channel is "#" and up to 80 lowercase letters, digits, "-" or "_"');
const emailAddress = z.email().max(254);
// GitHub logins and org/team slugs, as mentioned on an issue: "@ada" or "@waooaw/oncall".
const mention = z
  .string()
  .regex(
    /^@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\/[A-Za-z0-9][A-Za-z0-9_.-]{0,99})?$/,
    'a mention is "@login" or "@org/team"',
  );

const channels = z
  .object({
    slack: z.array(slackChannel).max(10).default([]),
    email: z.array(emailAddress).max(50).default([]),
    github: z.array(mention).max(20).default([]),
  })
  .strict();

const agentPattern = z
  .string()
  .regex(/^[a-z0-9*][a-z0-9*-]{0,63}$/, 'an agent id, or a pattern with "*" (e.g. "wow*")');

const rule = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a lowercase name with "-"'),
    match: z
      .object({
        // Event types as agents' wakesOn write them: exact, or "<domain>.<entity>.*".
        types: z
          .array(z.string().regex(/^[a-z0-9_]+(\.[a-z0-9_]+)+(\.\*)?$/, 'an event type or "<domain>.<entity>.*"'))
          .min(1)
          .max(50),
        agents: z.array(agentPattern).max(50).optional(),
        severity: z.enum(severities).optional().describe('the lowest severity the rule takes'),
      })
      .strict(),
    notify: channels,
    // Who hears next when nobody acknowledges, each level after its own minutes.
    escalate: z
      .array(z.object({ afterMinutes: z.number().int().min(1).max(10_080), notify: channels }).strict())
      .max(5)
      .default([]),
  })
  .strict();

const alertRulesFile = z
  .object({
    // The same alert key within this window is one alert, however often it fires.
    dedupeMinutes: z.number().int().min(0).max(1440).default(10),
    // Alerts of one rule within this window go out as one message listing them.
    groupSeconds: z.number().int().min(0).max(3600).default(60),
    rules: z.array(rule).min(1).max(200),
  })
  .strict();

export type AlertRules = z.infer<typeof alertRulesFile>;
export type AlertRule = AlertRules['rules'][number];
export type AlertChannels = z.infer<typeof channels>;

/** The rules of an alerts file (config/alerts.yml); every problem at once, as "file:line:column field: problem". */
export function parseAlertRules(text: string, file: string): AlertRules {
  if (text.length > 256 * 1024) throw createError('WOW_ERR_ALERT_RULES', { problems: `${file}: larger than 256 KiB` });
  const parsed = parseYamlWith(alertRulesFile, text, file);
  if ('problems' in parsed) throw createError('WOW_ERR_ALERT_RULES', { problems: parsed.problems.join('\n') });
  const names = new Set<string>();
  const problems: string[] = [];
  parsed.value.rules.forEach((r, i) => {
    if (names.has(r.name))
      problems.push(
        `${parsed.yaml.at(parsed.yaml.locate(['rules', i, 'name']).offset)} rules[${i}].name: "${r.name}" is named twice`,
      );
    names.add(r.name);
    const afters = r.escalate.map((e) => e.afterMinutes);
    if (afters.some((m, j) => j > 0 && m <= (afters[j - 1] ?? 0)))
      problems.push(
        `${parsed.yaml.at(parsed.yaml.locate(['rules', i, 'escalate']).offset)} rules[${i}].escalate: levels come later and later`,
      );
  });
  if (problems.length > 0) throw createError('WOW_ERR_ALERT_RULES', { problems: problems.join('\n') });
  return parsed.value;
}

const severityRank = (s: Severity) => severities.indexOf(s);

function agentMatches(pattern: string, agent: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === agent;
  const re = new RegExp(`^${parts.map((p) => p.replace(/[.+?^${}()|[\]\\-]/g, '\\$&')).join('.*')}$`);
  return re.test(agent);
}

/** The first rule that takes `alert`, in file order; undefined: nobody is alerted. */
export function routeAlert(rules: AlertRules, alert: Alert): AlertRule | undefined {
  return rules.rules.find(
    (r) =>
      r.match.types.some((t) => typeMatches(t, alert.type)) &&
      (r.match.agents === undefined || r.match.agents.some((a) => agentMatches(a, alert.agent))) &&
      (r.match.severity === undefined || severityRank(alert.severity) >= severityRank(r.match.severity)),
  );
}

/** Who is told at escalation `level` (0: the rule's own channels); undefined past the last level. */
export function channelsAt(rule: AlertRule, level: number): AlertChannels | undefined {
  return level === 0 ? rule.notify : rule.escalate[level - 1]?.notify;
}
