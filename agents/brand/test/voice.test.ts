import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createLogger, deliverTask, TaskNeedsInput, type CustomerTask } from '#platform';
import { checkVoice } from '../src/voice/check-voice.ts';
import { renderVoice } from '../src/voice/render-voice.ts';
import { parseBanned, parsePreferred } from '../src/voice/terms.ts';
import { checkInput } from '../src/task-inputs.ts';
import { check } from '../src/tools/check.ts';

// brand.check on a real launch text and style guide, exactly: each finding by line, the
// replacements in the revised text, and the rules' edges (case, whole words, voice).
const fixture = (name: string) => readFile(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
const rules = { maxSentenceWords: 25, exclamations: 1, voice: 'we' as const };

function taskOf(input: Record<string, unknown>): CustomerTask {
  return {
    id: '3c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
    organisationId: '9e8d7c6b-5a49-4382-9716-a5b4c3d2e1f0',
    agentId: 'brand',
    type: 'brand.check',
    input,
    organisation: { industry: 'Financial services', pastDeliverables: [], feedback: [] },
    log: createLogger('silent'),
  };
}
const recipe = { input: checkInput, tool: check, prompt: new URL('../prompts/check.md', import.meta.url) };

describe('the terms', () => {
  it('reads banned terms with and without a replacement, and preferred terms with their variants', () => {
    expect(parseBanned('cheap => affordable\n# a comment\njust').map((r) => [r.kind, r.find, r.replace])).toEqual([
      ['banned', 'cheap', 'affordable'],
      ['banned', 'just', null],
    ]);
    expect(
      parsePreferred('email: e-mail, E-Mail\nWAOOAW: Waooaw').map((r) => [r.find, r.replace, r.pattern.flags]),
    ).toEqual([
      ['e-mail', 'email', 'giu'],
      ['E-Mail', 'email', 'giu'],
      // Only the case differs, so the case is what is matched.
      ['Waooaw', 'WAOOAW', 'gu'],
    ]);
    expect(() => parsePreferred('email e-mail')).toThrow('needs the term, a colon and its variants');
    expect(() => parseBanned(Array.from({ length: 301 }, (_, i) => `term${i}`).join('\n'))).toThrow('give at most 300');
  });

  it('matches whole words only, across spaces, and keeps the case of what it replaces', () => {
    const terms = parseBanned('cheap => affordable\nsign up => join');
    const found = checkVoice('Cheapest? No: CHEAP. Sign  up now, cheap-skate.', terms, { ...rules, voice: 'any' });
    expect(found.findings.map((f) => f.text)).toEqual(['CHEAP', 'cheap', 'Sign  up']);
    expect(found.revised).toBe('Cheapest? No: AFFORDABLE. Join now, affordable-skate.');
  });
});

describe('a launch text checked', () => {
  it('finds each term, the long sentence, the exclamations and the "I", line by line, and revises the terms', async () => {
    const terms = [...parseBanned(await fixture('banned.txt')), ...parsePreferred(await fixture('preferred.txt'))];
    const found = checkVoice(await fixture('launch.txt'), terms, rules);
    expect([found.lines, found.sentences, found.words]).toEqual([4, 5, 65]);
    expect(found.findings).toEqual([
      { line: 1, kind: 'banned', text: 'cheap', suggestion: 'write "affordable"' },
      { line: 1, kind: 'preferred', text: 'Waooaw', suggestion: 'write "WAOOAW"' },
      { line: 1, kind: 'exclamation', text: '2 exclamation marks', suggestion: 'keep at most 1' },
      { line: 2, kind: 'voice', text: 'I', suggestion: 'speak as we, us, our' },
      { line: 3, kind: 'preferred', text: 'e-mail', suggestion: 'write "email"' },
      {
        line: 3,
        kind: 'long sentence',
        text: 'Sign up today, connect your bank and run…',
        suggestion: '36 words: split it to 25 or fewer',
      },
      { line: 4, kind: 'banned', text: 'Just', suggestion: 'rephrase without it' },
      { line: 4, kind: 'preferred', text: 'E-mail', suggestion: 'write "Email"' },
    ]);
    expect(found.revised.split('\n')).toEqual([
      'Introducing WAOOAW Payroll: the affordable way to pay your team!!',
      'I think you will love how it works, and so will your accountant.',
      'Sign up today, connect your bank and run your first payroll in minutes, with every payslip, tax form and email ' +
        'to your staff handled for you while you get on with running the business you love.',
      'Questions? Just drop us an Email.',
    ]);
    expect(renderVoice(found)).toBe(await fixture('launch.voice.md'));
  });

  it('speaks as "I" when the brand is one person, and allows no exclamation mark when asked', () => {
    const found = checkVoice('We ship on Mondays! My studio is in Pune.', [], {
      maxSentenceWords: 25,
      exclamations: 0,
      voice: 'i',
    });
    expect(found.findings.map((f) => [f.kind, f.text, f.suggestion])).toEqual([
      ['exclamation', '1 exclamation marks', 'end with a full stop'],
      ['voice', 'We', 'speak as I, me, my'],
    ]);
  });
});

describe('brand.check delivered', () => {
  it('delivers the report, the JSON and the revised text', async () => {
    const done = await deliverTask(
      taskOf({
        text: await fixture('launch.txt'),
        banned: await fixture('banned.txt'),
        preferred: await fixture('preferred.txt'),
      }),
      recipe,
    );
    expect(done.deliverables.map((d) => [d.name, d.mediaType])).toEqual([
      ['voice.md', 'text/markdown'],
      ['voice.json', 'application/json'],
      ['revised.txt', 'text/plain'],
    ]);
    expect(done.deliverables[0]?.content).toBe(await fixture('launch.voice.md'));
    expect(JSON.parse(String(done.deliverables[1]?.content))).toMatchObject({ counts: { banned: 2, preferred: 3 } });
    expect(String(done.deliverables[2]?.content)).toMatch(/^Introducing WAOOAW Payroll: the affordable way/);
    expect(done).toMatchObject({
      model: null,
      summary: 'checked a 65-word text against a brand voice for a business in Financial services',
    });
  });

  it('neutralises Markdown and HTML from the text and the terms in the report, and refuses oversized input', async () => {
    const done = await deliverTask(
      taskOf({
        text: 'Our <script> alert(1) </script> | [deal](javascript:y)',
        banned: '<script> => **bold**\n[deal]',
      }),
      recipe,
    );
    const report = String(done.deliverables[0]?.content);
    expect(report).toContain('| 1 | banned | \\<script\\> | write "\\*\\*bold\\*\\*" |');
    expect(report).toContain('| 1 | banned | \\[deal\\] | rephrase without it |');
    expect(report).not.toMatch(/(?<!\\)<script|(?<!\\)\]\(javascript/);
    await expect(deliverTask(taskOf({ text: 'x'.repeat(50_001) }), recipe)).rejects.toBeInstanceOf(TaskNeedsInput);
    await expect(deliverTask(taskOf({ text: 'Hi', maxSentenceWords: 101 }), recipe)).rejects.toBeInstanceOf(
      TaskNeedsInput,
    );
  });
});
