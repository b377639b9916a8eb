import { markdownText } from '#platform';
import type { Measured, PageAudit } from './audit-page.ts';

const statusWords: Record<Measured['status'], string> = {
  ok: 'ok',
  missing: 'missing',
  'too-short': 'too short',
  'too-long': 'too long',
};

/** The audit as the customer reads it: what to fix first, then each check's figures. */
export function renderAudit(audit: PageAudit): string {
  const lines = [`# SEO audit of ${audit.url === null ? 'the page' : markdownText(audit.url)}`, ''];
  lines.push(
    `Score: **${audit.score}/100** (${audit.issues.length === 0 ? 'nothing to fix' : `${audit.issues.length} to fix`})`,
    '',
  );
  if (audit.issues.length > 0) {
    lines.push('## Fix first', '');
    for (const i of audit.issues)
      lines.push(`- ${i.severity === 'error' ? '**Error**' : 'Warning'} (${i.check}): ${markdownText(i.message)}`);
    lines.push('');
  }
  const measured = (m: Measured) =>
    m.text === null ? 'missing' : `${markdownText(m.text)} (${m.length} characters, ${statusWords[m.status]})`;
  lines.push(
    '## Title and description',
    '',
    `- Title: ${measured(audit.title)}`,
    `- Meta description: ${measured(audit.metaDescription)}`,
    '',
  );
  lines.push('## Headings', '', `${audit.headings.h1Count} h1, ${audit.headings.skips.length} skipped level(s).`, '');
  for (const h of audit.headings.outline) lines.push(`- h${h.level}: ${markdownText(h.text) || '(empty)'}`);
  if (audit.headings.outline.length > 0) lines.push('');
  lines.push(
    '## Images',
    '',
    `${audit.images.total} image(s), ${audit.images.missingAlt.length} without alt text, ${audit.images.emptyAlt} with an empty alt (decorative).`,
    '',
  );
  for (const src of audit.images.missingAlt) lines.push(`- no alt: ${markdownText(src)}`);
  if (audit.images.missingAlt.length > 0) lines.push('');
  lines.push(
    '## Canonical and links',
    '',
    `- Canonical: ${audit.canonical.href === null ? 'none' : markdownText(audit.canonical.href)} (${audit.canonical.status})`,
  );
  const { links } = audit;
  lines.push(
    `- Links: ${links.internal} internal, ${links.external} external, ${links.nofollow} nofollow, ${links.other} other`,
  );
  if (links.externalHosts.length > 0)
    lines.push(`- External hosts: ${links.externalHosts.map(markdownText).join(', ')}`);
  lines.push('');
  if (audit.keyword !== null) {
    const k = audit.keyword;
    const yes = (b: boolean) => (b ? 'yes' : 'no');
    lines.push(
      `## Keyword: ${markdownText(k.keyword)}`,
      '',
      `- ${k.occurrences} occurrence(s) in ${k.words} words: density ${k.density}%`,
      `- In the title: ${yes(k.inTitle)}; in the meta description: ${yes(k.inMetaDescription)}; in the h1: ${yes(k.inH1)}`,
      '',
    );
  }
  return lines.join('\n');
}
