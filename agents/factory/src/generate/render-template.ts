import { Eta } from 'eta';
import type { AgentTemplate } from './agent-template.ts';
import type { TemplateData } from './template-data.ts';

// Generated code is not HTML: nothing is escaped, and whitespace is kept exactly as the
// template writes it (`-%>` drops the newline after a control tag).
const eta = new Eta({ autoEscape: false, autoTrim: false, useWith: false, varName: 'it', cache: false });

/**
 * The files a template renders for one agent, by repository path. `__name__` segments in a
 * path take the value of `names[name]`; a path whose name is empty is not written (how a
 * template makes a file conditional). Files ending in `.eta` are rendered, others copied.
 */
export function renderTemplate(template: AgentTemplate, data: TemplateData, names: Readonly<Record<string, string>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [source, text] of template.files) {
    let skipped = false;
    const path = source.replace(/__([a-z]+)__/g, (_, name: string) => {
      const value = names[name] ?? '';
      if (value === '') skipped = true;
      return value;
    }).replace(/\.eta$/, '');
    if (skipped) continue;
    out.set(path, source.endsWith('.eta') ? renderText(template, source, text, data) : text);
  }
  return out;
}

function renderText(template: AgentTemplate, source: string, text: string, data: TemplateData): string {
  try {
    return eta.renderString(text, data);
  } catch (err) {
    throw new Error(`templates/agents/${template.name}/files/${source}: ${(err as Error).message}`, { cause: err });
  }
}
