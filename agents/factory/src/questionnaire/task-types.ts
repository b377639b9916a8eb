import { withVisibleEscapes } from './hostile-characters.ts';

/** One input field of a task type, as the task's JSON Schema and its form describe it. */
export interface TaskField {
  name: string;
  kind: (typeof fieldKinds)[number];
  required: boolean;
  /** JSON Schema keywords of its bounds (maxLength, minimum, enum, format…), in a fixed order. */
  bounds: Record<string, number | string | string[]>;
  about: string | undefined;
}

/** One kind of work customers send a customer-facing agent (agent.yml's `tasks:`). */
export interface TaskType {
  /** "<agent id>.<task>", e.g. "seo.audit". */
  type: string;
  /** The part after the agent's id: names its tools module and prompt file. */
  task: string;
  title: string;
  description: string;
  minutesSaved: number;
  fields: TaskField[];
}

export const fieldKinds = ['text', 'integer', 'number', 'choice', 'url', 'email', 'date', 'boolean'] as const;

/** The most task types one agent takes, and fields one task takes: each is a form, a tools module and a prompt. */
export const maxTaskTypes = 10;
export const maxTaskFields = 12;
/** The longest text a task's field may take: a whole HTML page, well inside an event's size. */
export const maxTextLength = 200_000;

const show = (text: string) => `"${withVisibleEscapes(text.length > 80 ? `${text.slice(0, 80)}…` : text)}"`;
const header = /^([a-z][a-z0-9-]*)\.([a-z][a-z0-9-]*)(?:\s|$)/;
const fieldLine = /^([A-Za-z][A-Za-z0-9]*)\s*:\s*(\S+)(.*)$/;
// Names the generated code and the task's JSON Schema would trip over.
const reservedFieldNames = new Set(['constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty']);

/**
 * The answer to "Task types": blocks of a header line
 * `<agent>.<task> minutesSaved=<n> - <title> - <description>` and its field lines
 * `<name>: <kind> [optional] [bound=value…] [- what it is]`. Every problem goes to
 * `problem`, naming the task type, the field and the bound, with what to write instead.
 */
export function taskTypes(text: string, agentId: string, problem: (message: string) => void): TaskType[] {
  const found: TaskType[] = [];
  let current: TaskType | undefined;
  let broken = false;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^\s*[-*]\s+/, '').trim();
    if (line === '') continue;
    if (header.test(line)) {
      current = taskHeader(line, agentId, found, problem);
      broken = current === undefined;
      if (current !== undefined) found.push(current);
      continue;
    }
    if (current === undefined) {
      if (!broken)
        problem(
          `${show(line)} comes before any task type: start with a line "${agentId || '<agent id>'}.<task> minutesSaved=<n> - <title> - <description>".`,
        );
      broken = true;
      continue;
    }
    const field = taskField(line, current, problem);
    if (field !== undefined) current.fields.push(field);
  }
  if (found.length === 0 && !broken)
    problem(
      `names no task type: start with a line "${agentId || '<agent id>'}.<task> minutesSaved=<n> - <title> - <description>".`,
    );
  if (found.length > maxTaskTypes) problem(`lists ${found.length} task types; an agent takes at most ${maxTaskTypes}.`);
  for (const t of found) {
    if (t.fields.length === 0)
      problem(
        `${t.type} has no input fields: list what the customer sends, one a line, e.g. "brief: text maxLength=4000".`,
      );
    if (t.fields.length > maxTaskFields)
      problem(`${t.type} has ${t.fields.length} input fields; a task takes at most ${maxTaskFields}.`);
  }
  return found;
}

function taskHeader(
  line: string,
  agentId: string,
  found: readonly TaskType[],
  problem: (message: string) => void,
): TaskType | undefined {
  const [head = '', title = '', ...rest] = line.split(/\s+[-–]\s+/);
  const [type = '', ...settings] = head.trim().split(/\s+/);
  const [agent = '', task = ''] = type.split('.');
  const description = rest.join(' - ').trim();
  let ok = true;
  const fail = (message: string) => {
    problem(message);
    ok = false;
  };
  if (agent !== agentId) fail(`${show(type)} does not start with the agent's id: write "${agentId}.${task}".`);
  if (task.length > 40) fail(`${show(type)}: the task's name is longer than 40 characters.`);
  if (found.some((t) => t.type === type)) fail(`${show(type)} is listed twice; keep one block for it.`);
  let minutesSaved: number | undefined;
  for (const setting of settings) {
    const m = /^minutesSaved=(\d{1,6})$/.exec(setting);
    if (m === null)
      fail(
        `${show(setting)} (for ${type}) is not a setting: write minutesSaved=<whole minutes>, e.g. minutesSaved=45.`,
      );
    else minutesSaved = Number(m[1]);
  }
  if (minutesSaved === undefined && settings.length === 0)
    fail(
      `${type} says nothing of the minutes it saves: add minutesSaved=<minutes a person saves>, e.g. minutesSaved=45.`,
    );
  else if (minutesSaved !== undefined && (minutesSaved < 1 || minutesSaved > 10_000))
    fail(`${type} minutesSaved is ${minutesSaved}: write whole minutes from 1 to 10000.`);
  if (title.trim() === '') fail(`${type} has no title: write " - <title> - <description>" after its settings.`);
  else if (title.length > 80) fail(`${type}'s title is ${title.length} characters long; it takes at most 80.`);
  if (description === '') fail(`${type} has no description: write " - <what the customer gets>" after its title.`);
  else if (description.length > 300)
    fail(`${type}'s description is ${description.length} characters long; it takes at most 300.`);
  if (!ok || minutesSaved === undefined) return undefined;
  return { type, task, title: title.trim(), description, minutesSaved, fields: [] };
}

function taskField(line: string, t: TaskType, problem: (message: string) => void): TaskField | undefined {
  const [head = '', ...about] = line.split(/\s+[-–]\s+/);
  const m = fieldLine.exec(head.trim());
  if (m === null) {
    problem(
      `${show(line)} (in ${t.type}) is not an input field: write "<name>: <kind> [optional] [bounds] [- what it is]", e.g. "keyword: text optional maxLength=80".`,
    );
    return undefined;
  }
  const [, name = '', kindText = '', restText = ''] = m;
  const where = `${t.type} ${name}`;
  let ok = true;
  const fail = (message: string) => {
    problem(message);
    ok = false;
  };
  if (name.length > 40 || reservedFieldNames.has(name))
    fail(`${show(name)} (in ${t.type}) cannot name a field: use a camelCase name of at most 40 characters.`);
  if (t.fields.some((f) => f.name === name)) fail(`${where} is listed twice; keep one line for it.`);
  const kind = fieldKinds.find((k) => k === kindText);
  if (kind === undefined) {
    problem(`${where}: ${show(kindText)} is not a kind of field; the kinds are ${fieldKinds.join(', ')}.`);
    return undefined;
  }
  let required = true;
  const given: Record<string, string> = {};
  for (const word of restText
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '')) {
    if (word === 'optional') {
      required = false;
      continue;
    }
    const setting = /^([A-Za-z]+)=(\S+)$/.exec(word);
    if (setting === null) {
      fail(`${where}: ${show(word)} is not a bound: write name=value, e.g. maxLength=80, or "optional".`);
      continue;
    }
    const [, key = '', value = ''] = setting;
    if (given[key] !== undefined) fail(`${where} sets ${key} twice; keep one.`);
    given[key] = value;
  }
  const bounds = fieldBounds(kind, given, where, fail);
  const aboutText = about.join(' - ').trim();
  if (aboutText.length > 200) fail(`${where}: what it is takes at most 200 characters.`);
  if (!ok || bounds === undefined) return undefined;
  return { name, kind, required, bounds, about: aboutText === '' ? undefined : aboutText };
}

/** The bounds each kind takes, checked and in JSON Schema's words; `undefined` when one is wrong (already reported). */
function fieldBounds(
  kind: TaskField['kind'],
  given: Record<string, string>,
  where: string,
  fail: (message: string) => void,
): TaskField['bounds'] | undefined {
  const allowed: Record<TaskField['kind'], readonly string[]> = {
    text: ['minLength', 'maxLength'],
    integer: ['minimum', 'maximum'],
    number: ['minimum', 'maximum'],
    choice: ['of'],
    url: ['maxLength'],
    email: [],
    date: [],
    boolean: [],
  };
  let ok = true;
  for (const key of Object.keys(given))
    if (!allowed[kind].includes(key)) {
      fail(
        `${where}: a ${kind} field takes ${allowed[kind].length === 0 ? 'no bounds' : allowed[kind].join(', ')}, not ${show(key)}.`,
      );
      ok = false;
    }
  const whole = (key: string, min: number, max: number): number | undefined => {
    const text = given[key];
    if (text === undefined) return undefined;
    const value = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
    if (Number.isNaN(value) || value < min || value > max) {
      fail(`${where} ${key} is ${show(text)}: write a whole number from ${min} to ${max}.`);
      ok = false;
      return undefined;
    }
    return value;
  };
  const numeric = (key: string): number | undefined => {
    const text = given[key];
    if (text === undefined) {
      fail(
        `${where} has no ${key}: ${kind === 'integer' ? 'an' : 'a'} ${kind} field is bounded, e.g. ${key}=${key === 'minimum' ? 0 : 100}.`,
      );
      ok = false;
      return undefined;
    }
    const value = /^-?\d{1,12}(\.\d{1,6})?$/.test(text) ? Number(text) : Number.NaN;
    if (Number.isNaN(value) || (kind === 'integer' && !Number.isInteger(value))) {
      fail(`${where} ${key} is ${show(text)}: write ${kind === 'integer' ? 'a whole number' : 'a number'}.`);
      ok = false;
      return undefined;
    }
    return value;
  };
  switch (kind) {
    case 'text': {
      const maxLength = whole('maxLength', 1, maxTextLength);
      const minLength = whole('minLength', 0, maxTextLength);
      if (given.maxLength === undefined) {
        fail(`${where} has no maxLength: a text field is bounded, e.g. maxLength=4000 (at most ${maxTextLength}).`);
        return undefined;
      }
      if (maxLength !== undefined && minLength !== undefined && minLength > maxLength) {
        fail(`${where} minLength is ${minLength}, above its maxLength of ${maxLength}.`);
        return undefined;
      }
      return ok ? { minLength: minLength ?? 1, maxLength: maxLength ?? 1 } : undefined;
    }
    case 'integer':
    case 'number': {
      const minimum = numeric('minimum');
      const maximum = numeric('maximum');
      if (minimum !== undefined && maximum !== undefined && minimum > maximum) {
        fail(`${where} minimum is ${minimum}, above its maximum of ${maximum}.`);
        return undefined;
      }
      return ok ? { minimum: minimum ?? 0, maximum: maximum ?? 0 } : undefined;
    }
    case 'choice': {
      const options = (given.of ?? '').split('|').filter((o) => o !== '');
      if (options.length < 2 || options.length > 20 || options.some((o) => !/^[a-z0-9][a-z0-9-]{0,39}$/.test(o))) {
        fail(`${where} takes of=<a|b|c>: 2 to 20 lowercase choices (letters, digits, -), e.g. of=formal|friendly.`);
        return undefined;
      }
      if (new Set(options).size !== options.length) {
        fail(`${where} lists a choice twice.`);
        return undefined;
      }
      return ok ? { enum: options } : undefined;
    }
    case 'url':
      return ok ? { maxLength: whole('maxLength', 1, 2048) ?? 2048, format: 'uri' } : undefined;
    case 'email':
      return ok ? { maxLength: 254, format: 'email' } : undefined;
    case 'date':
      return ok ? { format: 'date' } : undefined;
    case 'boolean':
      return ok ? {} : undefined;
  }
}
