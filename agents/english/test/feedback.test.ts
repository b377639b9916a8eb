import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createLogger, deliverTask, type CustomerTask } from '#platform';
import { renderFeedback } from '../src/feedback/render-feedback.ts';
import { writingFeedback } from '../src/feedback/writing-feedback.ts';
import { feedbackInput } from '../src/task-inputs.ts';
import { feedback } from '../src/tools/feedback.ts';

// english.feedback on a real student's essay, exactly: the grades against the target, and
// which sentence carries which flag and what to fix first.
const fixture = (name: string) => readFile(new URL(`fixtures/${name}`, import.meta.url), 'utf8');

function taskOf(input: Record<string, unknown>): CustomerTask {
  return {
    id: '3c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
    organisationId: '9e8d7c6b-5a49-4382-9716-a5b4c3d2e1f0',
    agentId: 'english',
    type: 'english.feedback',
    input,
    organisation: { industry: 'Language schools', pastDeliverables: [], feedback: [] },
    log: createLogger('silent'),
  };
}

const deliver = (input: Record<string, unknown>) =>
  deliverTask(taskOf(input), {
    input: feedbackInput,
    tool: feedback,
    prompt: new URL('../prompts/feedback.md', import.meta.url),
  });

describe('english.feedback', () => {
  it('grades an essay for grade 5 as too hard and says what to fix in each sentence', async () => {
    const found = writingFeedback(await fixture('essay.txt'), 5);
    expect(found).toMatchObject({
      targetGrade: 5,
      words: 72,
      sentences: 6,
      grades: {
        fleschReadingEase: 50.8,
        fleschKincaid: 9.2,
        gunningFog: 9.2,
        smog: 11.2,
        colemanLiau: 9.6,
        automatedReadability: 7.7,
        consensus: 9.4,
      },
      verdict: 'too hard',
    });
    expect(found.feedback.map((s) => [s.sentence, s.grade, s.flags.map((f) => `${f.kind}:${f.text}`), s.fix])).toEqual([
      [1, 5.6, ['passive:was spent'], '"was spent": passive voice: say who does it'],
      [
        2,
        0,
        ['thereIs:There is', 'adverb:things'],
        '"There is": "There is/are" delays the subject: start with the subject',
      ],
      [3, 2.1, ['so:So'], '"So": "So" at the start adds nothing: drop it'],
      [4, 4.4, ['illusion:the', 'weasel:very'], '"the": a word repeated by mistake: delete one'],
      [
        5,
        23.7,
        ['tooWordy:It is', 'weasel:substantially', 'tooWordy:portion'],
        'split it: 25 words read at grade 23.7, above 5',
      ],
      [6, 0.5, [], null],
    ]);
    expect(renderFeedback(found)).toBe(await fixture('essay.feedback.md'));
  });

  it('finds the same essay on target for grade 9', async () => {
    const found = writingFeedback(await fixture('essay.txt'), 9);
    expect(found.verdict).toBe('on target');
    expect(found.feedback[4]?.fix).toBe('split it: 25 words read at grade 23.7, above 9');
  });

  it('delivers Markdown and JSON with an anonymised summary', async () => {
    const done = await deliver({ text: await fixture('essay.txt'), grade: 5 });
    expect(done.deliverables.map((d) => d.name)).toEqual(['feedback.md', 'feedback.json']);
    expect(done.summary).toBe(
      'gave feedback on a 72-word text for grade 5 (too hard) for an organisation in Language schools',
    );
  });
});

describe('hostile input', () => {
  it("neutralises Markdown and HTML in the student's text", () => {
    const report = renderFeedback(
      writingFeedback('Click [here](javascript:alert(1)) now. <img src=x onerror=alert(1)> | **bold**', 5),
    );
    expect(report).toContain('Click \\[here\\](javascript:alert(1)) now.');
    expect(report).toContain('\\<img src=x onerror=alert(1)\\> \\| \\*\\*bold\\*\\*');
    expect(report).not.toMatch(/[^\\]<img/);
  });

  it('refuses a text over 20,000 characters and a grade outside 1 to 12 at the schema', async () => {
    await expect(deliver({ text: 'Word. '.repeat(4000), grade: 5 })).rejects.toThrow('text');
    await expect(deliver({ text: 'A short text.', grade: 13 })).rejects.toThrow('grade');
  });
});
