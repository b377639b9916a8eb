import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createLlmClient, createLogger, deliverTask, type CustomerTask, type LlmClient } from '#platform';
import { createOpenAiDouble } from '../../../test/doubles/openai-api.ts';
import { outlineBrief } from '../src/outline/outline-brief.ts';
import { renderOutline } from '../src/outline/render-outline.ts';
import { renderReview } from '../src/review/render-review.ts';
import { reviewDraft } from '../src/review/review-draft.ts';
import { outlineInput, reviewInput } from '../src/task-inputs.ts';
import { outline } from '../src/tools/outline.ts';
import { review } from '../src/tools/review.ts';

// content.outline and content.review on a real brief and draft, exactly, and the model's
// path against the OpenAI-compatible double through the agent's own delivery of a task.
const fixture = (name: string) => readFile(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
const prompt = (task: string) => new URL(`../prompts/${task}.md`, import.meta.url);

function taskOf(type: string, input: Record<string, unknown>, llm?: LlmClient): CustomerTask {
  return {
    id: '3c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
    organisationId: '9e8d7c6b-5a49-4382-9716-a5b4c3d2e1f0',
    agentId: 'content',
    type,
    input,
    organisation: {
      industry: 'Healthcare',
      audience: 'Clinic managers',
      tone: 'Warm and plain',
      pastDeliverables: [],
      feedback: [],
    },
    ...(llm === undefined ? {} : { llm }),
    log: createLogger('silent'),
  };
}

describe('content.outline', () => {
  it('turns a brief into a guide: the title, one step per point, word budgets adding up', async () => {
    const made = outlineBrief(await fixture('brief.txt'), {
      format: 'guide',
      words: 1000,
      keyword: 'patient no-shows',
    });
    expect(made).toEqual({
      title: 'A guide for clinic managers on cutting patient no-shows',
      format: 'guide',
      words: 1000,
      keyword: 'patient no-shows',
      sections: [
        {
          heading: 'Before you start',
          points: [
            'A guide for clinic managers on cutting patient no-shows',
            'Use "patient no-shows" in the first 100 words',
          ],
          words: 100,
        },
        ...[
          'Why patients miss appointments',
          'Reminder messages that work: timing and channel',
          'A fair cancellation policy',
          'Measuring the no-show rate each month',
        ].map((point, i) => ({
          heading: `Step ${i + 1}: ${point}`,
          points: [point, 'An example, a figure or a quote that shows it'],
          words: 200,
        })),
        { heading: 'Summary', points: ['The steps in one list', 'Where to go for help'], words: 100 },
      ],
    });
    expect(renderOutline(made)).toBe(await fixture('brief.outline.md'));
  });

  it('takes sentences as points when the brief has no list, puts a missing keyword in the title, and keeps the sum', () => {
    const made = outlineBrief('Launch our invoicing app. It sends invoices in one click. It chases late payers.', {
      format: 'landing-page',
      words: 610,
      keyword: 'invoicing software',
    });
    expect(made.title).toBe('Invoicing software: Launch our invoicing app');
    expect(made.sections.map((s) => [s.heading, s.words])).toEqual([
      ['The problem', 60],
      ['It sends invoices in one click', 250],
      ['It chases late payers', 240],
      ['Call to action', 60],
    ]);
  });
});

describe('content.review', () => {
  it('grades the draft and marks passive voice and weasel words by sentence', async () => {
    const found = reviewDraft(await fixture('draft.txt'));
    expect(found).toEqual({
      words: 43,
      sentences: 5,
      grades: {
        fleschReadingEase: 88.13,
        fleschKincaidGrade: 3.1,
        gunningFog: 5.3,
        colemanLiau: 6.57,
        automatedReadability: 4.5,
        consensus: '6th and 7th grade',
      },
      flags: [
        { kind: 'passive', text: 'was launched', sentence: 1, reason: '"was launched" may be passive voice' },
        { kind: 'weasel', text: 'quite', sentence: 2, reason: '"quite" is a weasel word' },
        { kind: 'weasel', text: 'many', sentence: 2, reason: '"many" is a weasel word' },
        { kind: 'passive', text: 'are sent', sentence: 3, reason: '"are sent" may be passive voice' },
      ],
      passiveCount: 2,
      weaselCount: 2,
    });
    expect(renderReview(found)).toBe(await fixture('draft.review.md'));
  });
});

describe('content tasks delivered', () => {
  it('without a model: the tools alone deliver Markdown and JSON', async () => {
    const outlined = await deliverTask(
      taskOf('content.outline', {
        brief: await fixture('brief.txt'),
        format: 'guide',
        words: 1000,
        keyword: 'patient no-shows',
      }),
      {
        input: outlineInput,
        tool: outline,
        prompt: prompt('outline'),
      },
    );
    expect(outlined.deliverables.map((d) => d.name)).toEqual(['outline.md', 'outline.json']);
    expect(outlined.deliverables[0]?.content).toBe(await fixture('brief.outline.md'));
    expect(outlined).toMatchObject({ model: null, summary: 'outlined a guide for a business in Healthcare' });
    const reviewed = await deliverTask(taskOf('content.review', { draft: await fixture('draft.txt') }), {
      input: reviewInput,
      tool: review,
      prompt: prompt('review'),
    });
    expect(reviewed.deliverables[0]?.content).toBe(await fixture('draft.review.md'));
    expect(reviewed).toMatchObject({ model: null, summary: 'reviewed a 43-word draft for a business in Healthcare' });
  });

  it("with a model: the prompt carries the organisation's context, and the reply joins the review", async () => {
    const double = createOpenAiDouble(
      () => 'Say who launched the system: "We launched our booking system last month."',
    );
    const llm = createLlmClient(
      { model: 'gpt-4o-mini', baseUrl: 'https://api.openai.example/v1', apiKey: 'sk-test' },
      { fetch: double.fetch },
    );
    const done = await deliverTask(taskOf('content.review', { draft: await fixture('draft.txt') }, llm), {
      input: reviewInput,
      tool: review,
      prompt: prompt('review'),
    });
    expect(double.violations).toEqual([]);
    const [system, user] = double.requests[0]?.messages ?? [];
    expect(system?.content).toContain('# Review a draft');
    expect(system?.content).toContain('- Industry: Healthcare\n- Audience: Clinic managers\n- Tone: Warm and plain');
    expect(user?.content).toContain('What the tool found:\n# Draft review');
    expect(done.model).toBe('gpt-4o-mini');
    expect(done.deliverables[0]?.content).toBe(
      `${(await fixture('draft.review.md')).trimEnd()}\n\n## Notes for your organisation\n\n` +
        'Say who launched the system: "We launched our booking system last month."\n',
    );
  });
});
