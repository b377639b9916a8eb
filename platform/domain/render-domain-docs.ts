import type { DomainModel, ModelType } from './model-schema.ts';

/** Text in a Markdown table cell: one line, pipes escaped. */
const cell = (text: string) => text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

/**
 * `docs/domains/<name>.md`: the model's ubiquitous language for people — the glossary
 * first, then the entities and value objects, then the events with their versions and the
 * fields their data requires. Generated (`wow domain docs`); a test keeps the committed
 * pages equal to this rendering.
 */
export function renderDomainDocs(model: DomainModel, file: string): string {
  const lines = [
    `# The ${model.name} domain`,
    '',
    `<!-- Generated from ${file} by \`wow domain docs\`: edit the model, not this page. -->`,
    '',
    cell(model.description),
    '',
    '## Glossary',
    '',
  ];
  if (model.glossary.length === 0) lines.push('No terms yet.', '');
  else {
    lines.push('| Term | Meaning | Not to be called |', '| - | - | - |');
    for (const entry of [...model.glossary].sort((a, b) => a.term.localeCompare(b.term, 'en')))
      lines.push(`| **${cell(entry.term)}** | ${cell(entry.meaning)} | ${entry.avoid.map(cell).join(', ') || '—'} |`);
    lines.push('');
  }
  lines.push(...types('Entities', model.entities), ...types('Value objects', model.valueObjects));
  lines.push('## Events', '');
  if (model.events.length === 0) lines.push('None.', '');
  else {
    lines.push('| Event | Version | About | Meaning | Data requires |', '| - | - | - | - | - |');
    for (const event of model.events) {
      const required = Array.isArray(event.data.required) ? (event.data.required as unknown[]).map(String) : [];
      lines.push(
        `| ${code(event.type)} | ${event.version} | ${event.about ?? '—'} | ${cell(event.meaning)} | ${required.map(code).join(', ') || '—'} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

function types(title: string, list: readonly ModelType[]): string[] {
  if (list.length === 0) return [];
  const lines = [`## ${title}`, ''];
  for (const type of list) {
    lines.push(
      `### ${type.name}`,
      '',
      cell(type.meaning),
      '',
      '| Field | Type | Required | Meaning |',
      '| - | - | - | - |',
    );
    for (const f of type.fields)
      lines.push(`| ${code(f.name)} | ${cell(f.type)} | ${f.required ? 'yes' : 'no'} | ${cell(f.meaning)} |`);
    lines.push('');
  }
  return lines;
}
