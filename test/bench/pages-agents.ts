import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

// Words the generated catalogue draws from, so the filters and the search have something to
// tell apart: each industry and skill is held by a share of the agents, as in a real catalogue.
export const industries = [
  'E-commerce',
  'Healthcare',
  'B2B SaaS',
  'Education',
  'Real estate',
  'Hospitality',
  'Finance',
  'Legal',
];
const skills = [
  'seo',
  'copywriting',
  'outreach',
  'tutoring',
  'social-media',
  'email',
  'analytics',
  'ads',
  'research',
  'design',
];
const tiers = ['Marketing', 'Education', 'Sales', 'Custom'] as const;
const priceTiers = ['basic', 'standard', 'premium'] as const;
const avatars = ['🔎', '✍️', '📈', '🎓', '💬', '🧭', '📣', '🧑‍🏫'];
const kinds = ['Audit', 'Draft', 'Plan', 'Review', 'Outline', 'Pitch'];

const pick = <T>(list: readonly T[], i: number): T => list[i % list.length] as T;

/** The id of the i-th generated agent. */
export const generatedId = (i: number) => `agent-${String(i).padStart(4, '0')}`;

/**
 * Writes `count` customer-facing agent manifests (with `catalog:` and two `tasks:`) into
 * `dir`, one folder each, as the marketplace reads an agents folder.
 */
export async function writeGeneratedAgents(dir: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const id = generatedId(i);
    const skill = pick(skills, i);
    const otherSkill = pick(skills, i * 7 + 3);
    const lines = [
      `id: ${id}`,
      `name: ${pick(kinds, i)} Agent ${String(i)}`,
      'version: 1.0.0',
      `description: A generated agent that does ${skill} and ${otherSkill} work for ${pick(industries, i)} businesses.`,
      `tier: ${pick(tiers, i)}`,
      'wakesOn: [customer.task.requested]',
      'emits: [customer.task.started, customer.task.completed, customer.task.failed]',
      'catalog:',
      `  avatar: ${pick(avatars, i)}`,
      `  specialty: ${pick(kinds, i + 1)}s for ${skill} and ${otherSkill}`,
      `  industries: [${pick(industries, i)}, ${pick(industries, i * 3 + 1)}]`,
      `  skills: [${skill}, ${otherSkill}]`,
      `  priceTier: ${pick(priceTiers, i)}`,
      'tasks:',
      ...['audit', 'draft'].flatMap((task) => [
        `  ${id}.${task}:`,
        `    title: ${task === 'audit' ? 'Audit a page' : 'Draft a post'}`,
        `    description: One ${task} as Markdown, shaped for your industry.`,
        '    input: { type: object, properties: { topic: { type: string, maxLength: 200 } } }',
        `    minutesSaved: ${String(60 + (i % 5) * 30)}`,
      ]),
    ];
    await mkdir(join(dir, id));
    await writeFile(join(dir, id, 'agent.yml'), `${lines.join('\n')}\n`);
  }
}
