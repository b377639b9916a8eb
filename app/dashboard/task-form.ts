import type { TaskTerms } from '#platform';
import { html, type SafeHtml } from '../tickets/html.ts';
import { csrfField, type FieldProblem } from '../accounts/account-layout.ts';

/** One input of a task type, as its JSON Schema declares it. */
interface FieldSchema {
  type?: unknown;
  title?: unknown;
  description?: unknown;
  enum?: unknown;
  format?: unknown;
  minLength?: unknown;
  maxLength?: unknown;
  minimum?: unknown;
  maximum?: unknown;
}

type Kind = 'text' | 'textarea' | 'number' | 'select' | 'checkbox';

/** A form field: its property, how it is typed in, and the schema's bounds as attributes. */
export interface TaskField {
  name: string;
  /** What the customer reads: the schema's title, or the property's name in words. */
  label: string;
  kind: Kind;
  required: boolean;
  schema: FieldSchema;
  /** The input's type for a one-line text (`date`, `url` from the schema's format). */
  inputType: string;
  integer: boolean;
  options: string[];
}

/** What a form posted back with: the task type, the values typed and each field's problem. */
export interface TaskFormState {
  type: string;
  values: Record<string, string | undefined>;
  errors: FieldProblem[];
}

// Longer strings than this get a textarea: a page's HTML, a CSV, a brief.
const textareaAbove = 200;
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * The fields of a task type's input schema, or undefined when one of them is not a string,
 * number, integer, boolean or enum: such a type is sent through the API, not a form.
 */
export function taskFields(terms: TaskTerms): TaskField[] | undefined {
  const required = new Set(Array.isArray(terms.input.required) ? (terms.input.required as unknown[]) : []);
  const fields: TaskField[] = [];
  for (const [name, raw] of Object.entries(terms.input.properties)) {
    const schema = (raw ?? {}) as FieldSchema;
    const options = Array.isArray(schema.enum) ? schema.enum.filter((o): o is string => typeof o === 'string') : [];
    const label = typeof schema.title === 'string' && schema.title.trim() !== '' ? schema.title.trim() : inWords(name);
    const base = { name, label, required: required.has(name), schema, inputType: 'text', integer: false, options };
    if (options.length > 0 && options.length === (schema.enum as unknown[]).length)
      fields.push({ ...base, kind: 'select' });
    else if (schema.type === 'string')
      fields.push({
        ...base,
        kind: (num(schema.maxLength) ?? Infinity) > textareaAbove ? 'textarea' : 'text',
        inputType: schema.format === 'date' ? 'date' : schema.format === 'uri' ? 'url' : 'text',
      });
    else if (schema.type === 'integer' || schema.type === 'number')
      fields.push({ ...base, kind: 'number', integer: schema.type === 'integer' });
    else if (schema.type === 'boolean') fields.push({ ...base, kind: 'checkbox' });
    else return undefined;
  }
  return fields;
}

// Words a property name abbreviates, as people write them.
const acronyms = new Set(['api', 'csv', 'html', 'ics', 'id', 'json', 'url', 'seo', 'crm', 'cta', 'utm', 'ppc', 'roi']);

/** `pageUrl`, `page_url` or `page-url` as "Page URL": a property's name as a label. */
export function inWords(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .filter((w) => w !== '')
    .map((w) => (acronyms.has(w.toLowerCase()) ? w.toUpperCase() : w.toLowerCase()));
  const sentence = words.join(' ');
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

const numberPattern = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/**
 * A form's text fields as the task's typed input: numbers as numbers, a checkbox as a
 * boolean, an empty optional field left out. A number that does not parse stays text, so
 * the schema check names the field.
 */
export function typedInput(fields: TaskField[], form: Record<string, string | undefined>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const f of fields) {
    const value = form[`input.${f.name}`];
    if (f.kind === 'checkbox') input[f.name] = value !== undefined;
    else if (value === undefined || (value === '' && !f.required)) continue;
    else if (f.kind === 'number') input[f.name] = numberPattern.test(value.trim()) ? Number(value.trim()) : value;
    else input[f.name] = value;
  }
  return input;
}

const idOf = (type: string, name: string) => `task-${type}-${name}`.replace(/[^A-Za-z0-9_-]/g, '-');

/** The form field named by the schema check (`input.html`) as the id of its input, for the error summary's links. */
export const fieldId = (type: string, field: string) => idOf(type, field.replace(/^input\./, ''));

/** One task type's form: every bound of its schema as an attribute, the values typed and each field's problem. */
export function renderTaskForm(p: {
  agentId: string;
  type: string;
  terms: TaskTerms;
  fields: TaskField[];
  slug: string;
  csrf: string;
  nonce: string;
  state: TaskFormState | undefined;
}): SafeHtml {
  const mine = p.state?.type === p.type ? p.state : undefined;
  return html`<form method="post" action="/dashboard/agents/${encodeURIComponent(p.agentId)}/tasks" novalidate>
${csrfField(p.csrf)}<input type="hidden" name="organisation" value="${p.slug}">
<input type="hidden" name="type" value="${p.type}"><input type="hidden" name="nonce" value="${p.nonce}">
<h3>${p.terms.title}</h3>
<p class="hint">${p.terms.description}</p>
${p.fields.map((f) => field(p.type, f, mine))}
<button type="submit">Send: ${p.terms.title}</button></form>`;
}

function field(type: string, f: TaskField, state: TaskFormState | undefined): SafeHtml {
  const id = idOf(type, f.name);
  const error = state?.errors.find((e) => e.field === `input.${f.name}`)?.message;
  const value = state?.values[`input.${f.name}`] ?? '';
  const hint = typeof f.schema.description === 'string' ? f.schema.description : undefined;
  const described = [hint !== undefined && `${id}-hint`, error !== undefined && `${id}-error`]
    .filter(Boolean)
    .join(' ');
  const common = html` id="${id}" name="input.${f.name}"${f.required && html` required`}${
    described !== '' && html` aria-describedby="${described}"`
  }${error !== undefined && html` aria-invalid="true"`}`;
  const minLength = num(f.schema.minLength);
  const maxLength = num(f.schema.maxLength);
  const lengths = html`${minLength !== undefined && html` minlength="${minLength}"`}${
    maxLength !== undefined && html` maxlength="${maxLength}"`
  }`;
  const min = num(f.schema.minimum);
  const max = num(f.schema.maximum);
  const control =
    f.kind === 'textarea'
      ? html`<textarea${common}${lengths} rows="8">${value}</textarea>`
      : f.kind === 'select'
        ? html`<select${common}>${!f.required && html`<option value="">(none)</option>`}${f.options.map(
            (o) => html`<option${o === value && html` selected`}>${o}</option>`,
          )}</select>`
        : f.kind === 'checkbox'
          ? html`<input type="checkbox"${common}${value !== '' && html` checked`}>`
          : f.kind === 'number'
            ? html`<input type="number"${common} step="${f.integer ? '1' : 'any'}"${min !== undefined && html` min="${min}"`}${
                max !== undefined && html` max="${max}"`
              } value="${value}">`
            : html`<input type="${f.inputType}"${common}${lengths} value="${value}">`;
  return html`<label for="${id}">${f.label}${!f.required && html` (optional)`}</label>
${hint !== undefined && html`<p class="hint" id="${id}-hint">${hint}</p>`}
${error !== undefined && html`<p class="error" id="${id}-error"><span class="visually-hidden">Error: </span>${error}</p>`}
${control}`;
}
