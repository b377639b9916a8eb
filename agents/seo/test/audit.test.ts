import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  createLlmClient,
  createLogger,
  deliverTask,
  TaskNeedsInput,
  type CustomerTask,
  type LlmClient,
} from '#platform';
import { createOpenAiDouble } from '../../../test/doubles/openai-api.ts';
import { auditPage } from '../src/audit/audit-page.ts';
import { renderAudit } from '../src/audit/render-audit.ts';
import { auditInput } from '../src/task-inputs.ts';
import { audit } from '../src/tools/audit.ts';

// seo.audit on real pages: the audit's figures and report exactly, and the model's path
// against the OpenAI-compatible double (an outside service), through the agent's own
// delivery of a task.
const fixture = (name: string) => readFile(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
const prompt = new URL('../prompts/audit.md', import.meta.url);
const organisationId = '6f1c2a4e-8b3d-4c5e-9f70-1a2b3c4d5e6f';

function taskOf(input: Record<string, unknown>, llm?: LlmClient): CustomerTask {
  return {
    id: '0b7e1f1a-2c3d-4e5f-8a9b-0c1d2e3f4a5b',
    organisationId,
    agentId: 'seo',
    type: 'seo.audit',
    input,
    organisation: {
      industry: 'E-commerce',
      goals: 'More organic sales of trail shoes',
      audience: 'Weekend trail runners',
      tone: 'Friendly and direct',
      pastDeliverables: [
        { taskId: 'e1', taskType: 'seo.audit', name: 'audit.md', excerpt: 'Score 55/100: no meta description' },
      ],
      feedback: [{ taskId: 'e1', stars: 4 }],
    },
    ...(llm === undefined ? {} : { llm }),
    log: createLogger('silent'),
  };
}

describe('seo.audit on a product page', () => {
  it('measures every check exactly', async () => {
    const found = auditPage(await fixture('product-page.html'), {
      pageUrl: 'https://shop.example/shoes/trail',
      keyword: 'running shoes',
    });
    expect(found).toEqual({
      url: 'https://shop.example/shoes/trail',
      title: { text: 'Trail running shoes', length: 19, status: 'too-short' },
      metaDescription: {
        text: 'Light trail running shoes with a grippy sole, in six colours. Free returns for 60 days.',
        length: 87,
        status: 'ok',
      },
      headings: {
        h1Count: 1,
        outline: [
          { level: 1, text: 'Trail running shoes' },
          { level: 3, text: 'Sizes' },
          { level: 2, text: 'Reviews' },
          { level: 2, text: 'Care' },
        ],
        skips: [{ level: 3, after: 1, text: 'Sizes' }],
      },
      images: { total: 3, missingAlt: ['/img/sole.jpg'], emptyAlt: 1 },
      canonical: { href: 'https://shop.example/shoes/trail', status: 'ok' },
      // /shoes, shop.example and www.shop.example are the site's; mailto: and #top lead nowhere else.
      links: { internal: 3, external: 2, nofollow: 1, other: 2, externalHosts: ['maps.example', 'reviews.example'] },
      // 55 words of visible text (the style sheet and the script are not the page's words), 3 × 2 of them the keyword.
      keyword: {
        keyword: 'running shoes',
        occurrences: 3,
        words: 55,
        density: 10.91,
        inTitle: true,
        inMetaDescription: true,
        inH1: true,
      },
      issues: [
        {
          severity: 'error',
          check: 'alt-text',
          message: '1 of 3 images have no alt text: describe each (alt="" only for decoration).',
        },
        { severity: 'warning', check: 'title', message: 'The title is 19 characters long; keep it between 30 and 60.' },
        { severity: 'warning', check: 'heading-order', message: 'The h3 "Sizes" follows an h1; use an h2.' },
        {
          severity: 'warning',
          check: 'keyword',
          message: '"running shoes" makes up 10.91% of the text, which reads as stuffing; keep it under 3%.',
        },
      ],
      score: 70,
    });
    expect(renderAudit(found)).toBe(await fixture('product-page.audit.md'));
  });

  it('finds what a bare page lacks, and its own words never become Markdown', async () => {
    const found = auditPage(await fixture('bare-page.html'), {});
    expect(found.issues.map((i) => `${i.severity} ${i.check}`)).toEqual([
      'error meta-description',
      'error alt-text',
      'error canonical',
      'warning title',
      'warning h1',
      'warning heading-order',
      'warning heading-order',
      'warning links',
    ]);
    expect(found).toMatchObject({
      canonical: { href: '/about', status: 'multiple' },
      headings: {
        h1Count: 2,
        skips: [
          { level: 2, after: 0 },
          { level: 4, after: 1 },
        ],
      },
      links: { internal: 0, external: 1, nofollow: 1 },
      keyword: null,
      score: 30,
    });
    const report = renderAudit(found);
    expect(report).toBe(await fixture('bare-page.audit.md'));
    expect(report).toContain('- h4: Dr. \\*Smith\\* \\| GP');
  });

  it('tells a relative canonical and one pointing elsewhere apart', () => {
    const page = (href: string) => `<html><head><link rel="canonical" href="${href}"></head><body></body></html>`;
    expect(auditPage(page('/shoes'), {}).canonical.status).toBe('relative');
    const elsewhere = auditPage(page('https://shop.example/shoes'), { pageUrl: 'https://shop.example/shoes/trail' });
    expect(elsewhere.canonical.status).toBe('elsewhere');
    expect(elsewhere.issues.find((i) => i.check === 'canonical')?.severity).toBe('warning');
  });
});

describe('seo.audit delivered', () => {
  const input = async () => ({
    html: await fixture('product-page.html'),
    pageUrl: 'https://shop.example/shoes/trail',
    keyword: 'running shoes',
  });

  it('without a model: the report and the JSON are the deliverable', async () => {
    const done = await deliverTask(taskOf(await input()), { input: auditInput, tool: audit, prompt });
    expect(done.model).toBeNull();
    expect(done.deliverables.map((d) => [d.name, d.mediaType])).toEqual([
      ['audit.md', 'text/markdown'],
      ['audit.json', 'application/json'],
    ]);
    expect(done.deliverables[0]?.content).toBe(await fixture('product-page.audit.md'));
    expect(JSON.parse(String(done.deliverables[1]?.content))).toMatchObject({ score: 70 });
    expect(done.summary).toBe('audited a page (score 70/100) for a business in E-commerce');
  });

  it("with a model: the prompt carries the organisation's context and the report, and the reply joins the report", async () => {
    const double = createOpenAiDouble(() => 'Fix the missing alt text on the sole photo first.');
    const llm = createLlmClient(
      { model: 'gpt-4o-mini', baseUrl: 'https://api.openai.example/v1', apiKey: 'sk-test' },
      { fetch: double.fetch },
    );
    const done = await deliverTask(taskOf(await input(), llm), { input: auditInput, tool: audit, prompt });
    expect(double.violations).toEqual([]);
    const [system, user] = double.requests[0]?.messages ?? [];
    expect(system?.content).toContain('# Audit a page');
    expect(system?.content).toContain('- Industry: E-commerce');
    expect(system?.content).toContain('- Audience: Weekend trail runners');
    expect(system?.content).toContain('- Tone: Friendly and direct');
    expect(system?.content).toContain('- seo.audit audit.md (rated 4/5): Score 55/100: no meta description');
    expect(user?.content).toContain('What the tool found:\n# SEO audit of https://shop.example/shoes/trail');
    expect(done.model).toBe('gpt-4o-mini');
    expect(done.deliverables[0]?.content).toBe(
      `${(await fixture('product-page.audit.md')).trimEnd()}\n\n## Notes for your organisation\n\nFix the missing alt text on the sole photo first.\n`,
    );
  });

  it('a model error fails the task: nothing is delivered half-written', async () => {
    const double = createOpenAiDouble(() => ({ status: 400, message: 'context length exceeded' }));
    const llm = createLlmClient(
      { model: 'gpt-4o-mini', baseUrl: 'https://api.openai.example/v1', apiKey: 'sk-test' },
      { fetch: double.fetch },
    );
    await expect(deliverTask(taskOf(await input(), llm), { input: auditInput, tool: audit, prompt })).rejects.toThrow(
      'context length exceeded',
    );
  });

  it('an input that does not fit the task type asks the customer for it', async () => {
    const asked = deliverTask(taskOf({ keyword: 'shoes' }), { input: auditInput, tool: audit, prompt });
    await expect(asked).rejects.toBeInstanceOf(TaskNeedsInput);
    await expect(asked).rejects.toThrow("The task's input does not fit seo.audit: html:");
  });
});
