import { withVisibleEscapes } from './hostile-characters.ts';

/** What a customer-facing agent shows in the marketplace: agent.yml's `catalog:` (platform/agent/manifest-schema.ts). */
export interface CatalogCard {
  avatar: string;
  specialty: string;
  industries: string[];
  skills: string[];
  priceTier: 'basic' | 'standard' | 'premium';
  /** The organisation a custom agent serves alone (`private-to`). */
  privateTo?: string;
}

/** The questions that make an agent customer-facing: answered all together, or none. */
export const customerQuestions = ['avatar', 'specialty', 'industries', 'skills', 'price-tier', 'tasks'] as const;

/** The tiers whose agents serve customers; Platform CoE agents serve the platform. */
export const customerTiers = ['Marketing', 'Education', 'Sales', 'Custom'];

/** The Service Flow's events: every customer-facing agent wakes on a task and reports how it went. */
export const serviceFlowEvents = {
  wakesOn: ['customer.task.requested'],
  emits: ['customer.task.started', 'customer.task.completed', 'customer.task.failed', 'customer.task.needs_input'],
};

const priceTiers = ['basic', 'standard', 'premium'] as const;
// One pictograph, optionally in its emoji form (U+FE0F) or with a skin tone: what a round avatar shows.
const oneEmoji = /^\p{Extended_Pictographic}(\uFE0F|\p{Emoji_Modifier})?$/u;
const skill = /^[a-z][a-z0-9-]*$/;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const show = (text: string) => `"${withVisibleEscapes(text.length > 80 ? `${text.slice(0, 80)}…` : text)}"`;

/**
 * The catalog card from its answers, the bounds those of agent.yml's `catalog:` schema;
 * every problem goes to `problem` with the question's id.
 */
export function catalogCard(
  answer: (id: string) => string | undefined,
  problem: (field: string, message: string) => void,
): CatalogCard | undefined {
  const list = (id: string) =>
    (answer(id) ?? '')
      .split(/[\n,]/)
      .map((s) => s.trim())
      .filter((s) => s !== '');
  let ok = true;
  const fail = (field: string, message: string) => {
    problem(field, message);
    ok = false;
  };
  const avatar = answer('avatar') ?? '';
  if (!oneEmoji.test(avatar)) fail('avatar', `${show(avatar)} is not one emoji: write a single one, e.g. 🔎.`);
  const specialty = answer('specialty') ?? '';
  if (specialty.length > 80) fail('specialty', `is ${specialty.length} characters long; it takes at most 80.`);
  const industries = list('industries');
  if (industries.length === 0 || industries.length > 12)
    fail('industries', `lists ${industries.length}; write 1 to 12, comma-separated, e.g. "E-commerce, B2B SaaS".`);
  for (const industry of industries)
    if (industry.length > 40) fail('industries', `${show(industry)} is longer than 40 characters.`);
  if (new Set(industries).size !== industries.length) fail('industries', 'lists one twice.');
  const skills = list('skills');
  if (skills.length === 0 || skills.length > 20)
    fail('skills', `lists ${skills.length}; write 1 to 20, comma-separated, e.g. "on-page-audit, keyword-density".`);
  for (const s of skills)
    if (!skill.test(s) || s.length > 40)
      fail('skills', `${show(s)} is not a skill tag: use kebab-case of at most 40 characters, e.g. "keyword-density".`);
  if (new Set(skills).size !== skills.length) fail('skills', 'lists one twice.');
  const priceTier = priceTiers.find((t) => t === answer('price-tier'));
  if (priceTier === undefined) fail('price-tier', `is not one of ${priceTiers.join(', ')}.`);
  const privateTo = answer('private-to');
  if (privateTo !== undefined && !uuid.test(privateTo))
    fail('private-to', `${show(privateTo)} is not an organisation's id: write its UUID, or leave it empty.`);
  if (!ok || priceTier === undefined) return undefined;
  return {
    avatar,
    specialty,
    industries,
    skills,
    priceTier,
    ...(privateTo === undefined ? {} : { privateTo: privateTo.toLowerCase() }),
  };
}
