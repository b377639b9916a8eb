import type { Article } from '../../agents/wowsearch/src/index.ts';

/**
 * Help-centre articles and questions for the knowledge-base bench, generated from a seed
 * so that every run searches the same text: titles are an action on a product object in a
 * context ("Rotate the API key from the CLI"), bodies a handful of sentences about it.
 */

/** mulberry32: a small PRNG whose sequence is fixed by its seed. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const actions = [
  'Reset',
  'Rotate',
  'Change',
  'Verify',
  'Delete',
  'Export',
  'Configure',
  'Troubleshoot',
  'Enable',
  'Disable',
  'Transfer',
  'Renew',
  'Restore',
  'Connect',
  'Invite',
  'Limit',
  'Monitor',
  'Update',
  'Recover',
  'Schedule',
];
const objects: [string, string][] = [
  ['API key', 'how-to'],
  ['webhook secret', 'how-to'],
  ['billing email', 'billing-question'],
  ['invoice', 'billing-question'],
  ['payment method', 'billing-question'],
  ['seat count', 'billing-question'],
  ['subscription plan', 'billing-question'],
  ['agent', 'agent-status'],
  ['agent heartbeat', 'agent-status'],
  ['pull request review', 'how-to'],
  ['GitHub App installation', 'how-to'],
  ['organisation', 'account'],
  ['team', 'account'],
  ['single sign-on', 'account'],
  ['password', 'account'],
  ['two-factor authentication', 'account'],
  ['audit log', 'security'],
  ['rate limit', 'how-to'],
  ['deployment', 'how-to'],
  ['dashboard', 'how-to'],
  ['notification', 'how-to'],
  ['data export', 'privacy'],
  ['data retention policy', 'privacy'],
  ['support ticket', 'how-to'],
  ['Slack integration', 'how-to'],
  ['access token', 'security'],
  ['repository', 'how-to'],
  ['workflow', 'how-to'],
  ['check run', 'how-to'],
  ['encryption key', 'security'],
  ['region', 'how-to'],
  ['custom domain', 'how-to'],
  ['email address', 'account'],
  ['SMTP relay', 'how-to'],
  ['label', 'how-to'],
  ['branch protection', 'how-to'],
  ['environment variable', 'how-to'],
  ['log stream', 'how-to'],
  ['alert rule', 'how-to'],
  ['incident report', 'security'],
  ['backup', 'how-to'],
  ['role', 'account'],
  ['invitation', 'account'],
  ['session', 'security'],
  ['device', 'security'],
  ['questionnaire', 'how-to'],
  ['knowledge base article', 'how-to'],
  ['metrics endpoint', 'how-to'],
  ['runner', 'how-to'],
  ['refund', 'billing-question'],
];
const contexts = [
  'for your organisation',
  'after a migration',
  'on the Enterprise plan',
  'from the CLI',
  'in the dashboard',
  'with the REST API',
  'for a whole team',
  'when it keeps failing',
  'in another region',
  'on a self-hosted runner',
  'before an audit',
  'during an outage',
];
/** A fourth part of the title, only above 12,000 articles (up to 12,000 × 9 = 108,000). */
const surfaces = [
  'on Linux',
  'on macOS',
  'on Windows',
  'in the mobile app',
  'in the browser',
  'through Terraform',
  'through the GitHub Action',
  'in a monorepo',
  'for a fork',
];
const places = [
  'Settings',
  'the Billing page',
  'the Security tab',
  'the organisation menu',
  'the agent list',
  'the command line',
  'the Integrations page',
  'the Developer settings',
];
const roles = ['organisation owners', 'billing managers', 'administrators', 'team maintainers', 'security officers'];
const whens = [
  'at once',
  'within five minutes',
  'at the next invoice',
  'after the next deployment',
  'once every instance restarts',
  'at midnight UTC',
];
const symptoms = [
  'the page shows an error',
  'requests fail with 401',
  'nothing happens',
  'the change is reverted',
  'you see a timeout',
  'the status stays pending',
  'emails bounce',
];
const extras = [
  'Changes are recorded in the audit log with who made them and when.',
  'Customers on legacy plans may see slightly different menu names.',
  'The operation is idempotent, so running it twice does no harm.',
  'If you manage several organisations, repeat the steps in each one.',
  'Automations that depend on the old value must be updated by hand.',
  'We keep the previous configuration for thirty days in case you need to roll back.',
  'Rate limits apply: no more than ten changes per minute per organisation.',
  'Screenshots in this article were taken with the light theme.',
  'Our status page announces planned maintenance that may delay the change.',
  'Contact support with the request identifier if the problem persists.',
];

const pick = <T>(random: () => number, xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
const lower = (s: string) => s.toLowerCase();
const slugOf = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

export interface BenchArticle extends Article {
  action: string;
  object: string;
  /** What follows the object in the title: a context, and above 12,000 articles a surface too. */
  context: string;
}

/**
 * `count` distinct articles: actions × objects × contexts (12,000), and above that each
 * also on one of nine surfaces (108,000), so that 100,000 articles stay distinct.
 */
export function generateArticles(count: number, seed = 42): BenchArticle[] {
  const random = createRandom(seed);
  const tails = count > 12_000 ? contexts.flatMap((c) => surfaces.map((s) => `${c} ${s}`)) : contexts;
  const combos = actions.flatMap((action) =>
    objects.flatMap(([object, intent]) => tails.map((context) => ({ action, object, intent, context }))),
  );
  for (let i = combos.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [combos[i], combos[j]] = [combos[j] as (typeof combos)[number], combos[i] as (typeof combos)[number]];
  }
  return combos.slice(0, count).map(({ action, object, intent, context }, n) => {
    const title = `${action} the ${object} ${context}`;
    const other = pick(random, objects)[0];
    const sentences = [
      `To ${lower(action)} the ${object} ${context}, open ${pick(random, places)} and choose ${action} ${object}.`,
      `The change takes effect ${pick(random, whens)}.`,
      `Only ${pick(random, roles)} can ${lower(action)} the ${object}.`,
      `If ${pick(random, symptoms)}, check the ${other} first, then try again.`,
      ...Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(random, extras)),
      `Reference ${String.fromCharCode(65 + (n % 26))}${1000 + n}.`,
    ];
    return { slug: `${slugOf(title)}-${n}`, title, body: sentences.join(' '), intent, action, object, context };
  });
}

export interface BenchQuery {
  kind: 'as typed' | 'typo' | 'partial word';
  text: string;
  /** The article the question is about. */
  slug: string;
}

/** Questions about random articles, a third as typed, a third with a typo, a third with a word cut short. */
export function generateQueries(articles: readonly BenchArticle[], count: number, seed = 7): BenchQuery[] {
  const random = createRandom(seed);
  const kinds = ['as typed', 'typo', 'partial word'] as const;
  return Array.from({ length: count }, (_, i) => {
    const a = pick(random, articles);
    const kind = kinds[i % 3] ?? 'as typed';
    const words = `How do I ${lower(a.action)} the ${a.object} ${a.context}?`.split(' ');
    const long = words.map((w, j) => [w, j] as const).filter(([w]) => /^[A-Za-z-]{6,}$/.test(w));
    const [word, at] = pick(random, long.length > 0 ? long : [[words[0] ?? '', 0] as const]);
    if (kind === 'typo') words[at] = typo(word, random);
    if (kind === 'partial word') words[at] = word.slice(0, Math.max(4, Math.ceil(word.length * 0.7)));
    return { kind, text: words.join(' '), slug: a.slug };
  });
}

/** One of the common slips: a letter dropped, two swapped, or one doubled. */
function typo(word: string, random: () => number): string {
  const i = 1 + Math.floor(random() * (word.length - 2));
  switch (Math.floor(random() * 3)) {
    case 0:
      return word.slice(0, i) + word.slice(i + 1);
    case 1:
      return word.slice(0, i) + (word[i + 1] ?? '') + (word[i] ?? '') + word.slice(i + 2);
    default:
      return word.slice(0, i) + (word[i] ?? '') + word.slice(i);
  }
}
