/** Markup that is already escaped: only `html` makes it, so nothing else reaches a page raw. */
export class SafeHtml {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => entities[c] ?? c);
}

/**
 * A tagged template that escapes every value unless it is itself `html`: what a person
 * typed can never become markup, in text or in an attribute. Arrays are joined; undefined,
 * null and false render nothing, so `${cond && html`…`}` works.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  return new SafeHtml(strings.reduce((out, part, i) => out + part + (i < values.length ? render(values[i]) : ''), ''));
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false) return '';
  if (typeof value === 'string') return escapeHtml(value);
  // Numbers and true; an object would print as [object Object], which a test would catch.
  return escapeHtml(typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value));
}
