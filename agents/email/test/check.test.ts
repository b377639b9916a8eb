import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createLogger, deliverTask, TaskNeedsInput, type CustomerTask } from '#platform';
import { checkEmail, plainText } from '../src/check/check-email.ts';
import { renderCheck } from '../src/check/render-check.ts';
import { findSpamTriggers } from '../src/check/spam-words.ts';
import { checkTokens, parseTokenList } from '../src/check/tokens.ts';
import { checkInput } from '../src/task-inputs.ts';
import { check } from '../src/tools/check.ts';

// email.check on a real marketing email, exactly: what it finds in the subject, words,
// tokens, links and images, the report, and the plain-text part html-to-text writes.
const fixture = (name: string) => readFile(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
const subject = '{{first_name}}, our WINTER SALE starts Monday!! Free returns on everything';

function taskOf(input: Record<string, unknown>): CustomerTask {
  return {
    id: '3c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
    organisationId: '9e8d7c6b-5a49-4382-9716-a5b4c3d2e1f0',
    agentId: 'email',
    type: 'email.check',
    input,
    organisation: { industry: 'Retail', pastDeliverables: [], feedback: [] },
    log: createLogger('silent'),
  };
}
const recipe = { input: checkInput, tool: check, prompt: new URL('../prompts/check.md', import.meta.url) };

describe('the parts of a check', () => {
  it('finds trigger words as whole words in any case, and not inside other words', () => {
    expect(findSpamTriggers('FREE delivery! Freedom to return. Act   now, or click here. Free.')).toEqual([
      { phrase: 'act now', count: 1 },
      { phrase: 'click here', count: 1 },
      { phrase: 'free', count: 2 },
    ]);
  });

  it('counts tokens with their fallbacks, checks them against the fields filled, and keeps what is not well formed', () => {
    expect(parseTokenList(' first_name, company  city,first_name')).toEqual(['first_name', 'company', 'city']);
    expect(parseTokenList('  ')).toBeNull();
    expect(
      checkTokens(
        ['Hi {{ first_name | default: "there" }} from {{company}}', '{{first_name}} {{city} and {{ }}'],
        ['first_name'],
      ),
    ).toEqual({
      used: [
        { name: 'first_name', count: 2, withFallback: 1, defined: true },
        { name: 'company', count: 1, withFallback: 0, defined: false },
      ],
      malformed: ['{{city} and {{ }}'],
    });
  });
});

describe('a marketing email checked', () => {
  it('finds what to fix in the winter sale email, and writes its plain-text part', async () => {
    const html = await fixture('winter-sale.html');
    const found = checkEmail(subject, html, ['first_name', 'store_name', 'unsubscribe_url']);
    expect(found.subject).toEqual({
      text: subject,
      length: 74,
      verdict: 'too long',
      shouting: ['WINTER', 'SALE'],
      exclamations: 2,
    });
    expect(found.spam).toEqual({
      subject: [{ phrase: 'free', count: 1 }],
      body: [
        { phrase: 'click here', count: 1 },
        { phrase: 'free', count: 1 },
        { phrase: 'limited time', count: 1 },
      ],
    });
    expect(found.tokens.used.map((t) => [t.name, t.count, t.withFallback, t.defined])).toEqual([
      ['first_name', 2, 1, true],
      ['store_name', 1, 0, true],
      ['signup_source', 1, 0, false],
      ['unsubscribe_url', 1, 0, true],
    ]);
    expect(found.tokens.malformed).toEqual(['ens at 9 on Monday. {{first_name}, bring a']);
    expect(found.links).toMatchObject({
      count: 5,
      byKind: { web: 1, insecure: 1, mailto: 1, token: 1, placeholder: 1 },
      unsubscribe: true,
    });
    // Three images (the spacer's empty alt is right, the product shot has none) for 412 characters of text.
    expect(found.images).toEqual({
      count: 3,
      missingAlt: 1,
      textCharacters: 412,
      textPerImage: 137,
      balance: 'image-heavy',
    });
    expect(found.findings.map((f) => [f.level, f.about])).toEqual([
      ['fix', 'subject'],
      ['fix', 'subject'],
      ['fix', 'spam words'],
      ['fix', 'tokens'],
      ['fix', 'tokens'],
      ['fix', 'links'],
      ['fix', 'links'],
      ['fix', 'images'],
      ['consider', 'subject'],
      ['consider', 'spam words'],
      ['consider', 'tokens'],
      ['consider', 'images'],
    ]);
    expect(renderCheck(found)).toBe(await fixture('winter-sale.check.md'));
    expect(plainText(html)).toBe(await fixture('winter-sale.txt'));
  });

  it('passes a clean email and says when no unsubscribe link is there', () => {
    const text = 'We have restocked the alpaca range in every size. '.repeat(12);
    const clean = checkEmail(
      'New alpaca jumpers are in',
      `<p>${text}</p><p><a href="https://example.com/u">Unsubscribe</a></p>`,
      null,
    );
    expect(clean.findings).toEqual([]);
    expect(clean.images.balance).toBe('text only');
    const bare = checkEmail('New alpaca jumpers are in', `<p>${text}</p>`, null);
    expect(bare.findings.map((f) => f.about)).toEqual(['unsubscribe']);
  });
});

describe('email.check delivered', () => {
  it('delivers the report, the JSON and the plain-text part', async () => {
    const done = await deliverTask(
      taskOf({ subject, html: await fixture('winter-sale.html'), tokens: 'first_name, store_name, unsubscribe_url' }),
      recipe,
    );
    expect(done.deliverables.map((d) => [d.name, d.mediaType])).toEqual([
      ['check.md', 'text/markdown'],
      ['check.json', 'application/json'],
      ['email.txt', 'text/plain'],
    ]);
    expect(done.deliverables[0]?.content).toBe(await fixture('winter-sale.check.md'));
    expect(done.deliverables[2]?.content).toBe(await fixture('winter-sale.txt'));
    expect(done).toMatchObject({
      model: null,
      summary: 'checked a marketing email (8 thing(s) to fix) for a business in Retail',
    });
  });

  it('neutralises Markdown and HTML from the email in the report, and refuses oversized input', async () => {
    const done = await deliverTask(
      taskOf({
        subject: '<img src=x onerror=alert(1)> **Sale**',
        html: '<p>Hi</p><a href="javascript:alert(1)">[click](javascript:alert(2))</a>',
      }),
      recipe,
    );
    const report = String(done.deliverables[0]?.content);
    expect(report).toContain('"\\<img src=x onerror=alert(1)\\> \\*\\*Sale\\*\\*"');
    expect(report).toContain('| \\[click\\](javascript:alert(2)) | javascript:alert(1) | goes nowhere |');
    // Only escaped: no tag and no link a Markdown renderer would make.
    expect(report).not.toMatch(/(?<!\\)<img|(?<!\\)\]\(javascript/);
    await expect(deliverTask(taskOf({ subject: 'x'.repeat(301), html: '<p>Hi</p>' }), recipe)).rejects.toBeInstanceOf(
      TaskNeedsInput,
    );
    await expect(deliverTask(taskOf({ subject: 'Hi', html: 'x'.repeat(200_001) }), recipe)).rejects.toBeInstanceOf(
      TaskNeedsInput,
    );
  });
});
