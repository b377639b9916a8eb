import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadQuestionnaire, platformFacts, validateAnswers, type Answers } from '../src/index.ts';
import { platformRoot } from './support/factory-target.ts';

// The questionnaire's customer-facing questions: the marketplace card and the task types,
// every problem named by its question and, inside a task type, by the type, field and bound.
const q = await loadQuestionnaire();
const facts = await platformFacts(join(platformRoot, 'agents'));

const answers: Answers = {
  'agent-id': 'brand-voice',
  name: 'Brand Voice',
  tier: ['Marketing'],
  purpose: 'Checks copy against a brand voice.',
  capabilities: ['llm:complete'],
  'service-level': ['within 1 minute'],
  acceptance:
    'Given a customer.task.requested event for brand-voice.check\nWhen it handles it\nThen it emits customer.task.completed',
  avatar: '🗣️',
  specialty: 'Brand voice checks',
  industries: 'E-commerce, B2B SaaS',
  skills: 'brand-voice, tone',
  'price-tier': ['basic'],
  tasks: [
    'brand-voice.check minutesSaved=20 - Check copy - Flags banned terms and tone in a piece of copy.',
    '- copy: text maxLength=20000 - the copy to check',
    '- tone: choice optional of=formal|friendly - the tone it should have',
    '- strictness: integer minimum=1 maximum=5',
  ].join('\n'),
};

const problemsOf = (a: Answers) => {
  const result = validateAnswers(a, q, facts);
  return 'problems' in result ? result.problems.map((p) => `${p.field}: ${p.message}`) : [];
};

describe('customer-facing answers', () => {
  it('give the card and the task types, with the Service Flow events implied', () => {
    const result = validateAnswers(answers, q, facts);
    if ('problems' in result) throw new Error(JSON.stringify(result.problems));
    expect(result.request).toMatchObject({
      wakesOn: ['customer.task.requested'],
      emits: ['customer.task.started', 'customer.task.completed', 'customer.task.failed', 'customer.task.needs_input'],
      catalog: {
        avatar: '🗣️',
        specialty: 'Brand voice checks',
        industries: ['E-commerce', 'B2B SaaS'],
        skills: ['brand-voice', 'tone'],
        priceTier: 'basic',
      },
      tasks: [
        {
          type: 'brand-voice.check',
          task: 'check',
          title: 'Check copy',
          description: 'Flags banned terms and tone in a piece of copy.',
          minutesSaved: 20,
          fields: [
            {
              name: 'copy',
              kind: 'text',
              required: true,
              bounds: { minLength: 1, maxLength: 20000 },
              about: 'the copy to check',
            },
            {
              name: 'tone',
              kind: 'choice',
              required: false,
              bounds: { enum: ['formal', 'friendly'] },
              about: 'the tone it should have',
            },
            {
              name: 'strictness',
              kind: 'integer',
              required: true,
              bounds: { minimum: 1, maximum: 5 },
              about: undefined,
            },
          ],
        },
      ],
    });
  });

  it('go together: a card without task types names each missing question', () => {
    const { tasks: _tasks, 'price-tier': _tier, ...partial } = answers;
    expect(problemsOf(partial)).toEqual([
      expect.stringMatching(/^price-tier: has no answer, and a customer-facing agent needs it/),
      expect.stringMatching(/^tasks: has no answer, and a customer-facing agent needs it/),
    ]);
  });

  it('are for customer tiers, with a model, and keep no tables', () => {
    expect(
      problemsOf({ ...answers, tier: ['Platform CoE'], capabilities: ['store:write'], stores: 'brand_rules' }),
    ).toEqual([
      'tier: is "Platform CoE"; a customer-facing agent serves customers: choose Marketing, Education, Sales, Custom.',
      expect.stringMatching(/^stores: is for agents that keep their own tables/),
      "capabilities: has no llm:complete, which a customer-facing agent's prose needs: tick it.",
    ]);
  });

  it('refuse a card that is not one', () => {
    expect(problemsOf({ ...answers, avatar: 'BV', skills: 'Brand Voice, tone', industries: 'x'.repeat(41) })).toEqual([
      'avatar: "BV" is not one emoji: write a single one, e.g. 🔎.',
      `industries: "${'x'.repeat(41)}" is longer than 40 characters.`,
      'skills: "Brand Voice" is not a skill tag: use kebab-case of at most 40 characters, e.g. "keyword-density".',
    ]);
  });

  it('refuse task types and fields that are not bounded, naming the type, the field and the bound (the fields of a broken type wait for it)', () => {
    const tasks = [
      'seo.check minutesSaved=0 - Check copy - Checks.',
      'copy: text - the copy',
      'brand-voice.rewrite - Rewrite copy',
      'copy: text maxLength=900000',
      'count: integer maximum=5',
      'tone: choice of=Formal',
      'when: datetime',
      'size: text maxLength=10 big=1',
    ].join('\n');
    expect(problemsOf({ ...answers, tasks })).toEqual([
      'tasks: "seo.check" does not start with the agent\'s id: write "brand-voice.check".',
      'tasks: seo.check minutesSaved is 0: write whole minutes from 1 to 10000.',
      'tasks: brand-voice.rewrite says nothing of the minutes it saves: add minutesSaved=<minutes a person saves>, e.g. minutesSaved=45.',
      'tasks: brand-voice.rewrite has no description: write " - <what the customer gets>" after its title.',
    ]);
    const fields = ['brand-voice.check minutesSaved=20 - Check copy - Checks.', ...tasks.split('\n').slice(3)].join(
      '\n',
    );
    expect(problemsOf({ ...answers, tasks: fields })).toEqual([
      'tasks: brand-voice.check copy maxLength is "900000": write a whole number from 1 to 200000.',
      'tasks: brand-voice.check count has no minimum: an integer field is bounded, e.g. minimum=0.',
      'tasks: brand-voice.check tone takes of=<a|b|c>: 2 to 20 lowercase choices (letters, digits, -), e.g. of=formal|friendly.',
      'tasks: brand-voice.check when: "datetime" is not a kind of field; the kinds are text, integer, number, choice, url, email, date, boolean.',
      'tasks: brand-voice.check size: a text field takes minLength, maxLength, not "big".',
      'tasks: brand-voice.check has no input fields: list what the customer sends, one a line, e.g. "brief: text maxLength=4000".',
    ]);
  });

  it('refuse a hidden character in the task types, naming the question', () => {
    expect(
      problemsOf({ ...answers, tasks: `${String(answers.tasks)}\n- note: text maxLength=9 - a\u202enote` }),
    ).toEqual([expect.stringMatching(/^tasks: contains U\+202E/)]);
  });
});
