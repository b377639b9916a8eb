import { assertEventTypeValid, assertPatternValid, typeMatches } from '#platform';
import { catalogCard, customerQuestions, customerTiers, serviceFlowEvents, type CatalogCard } from './catalog-card.ts';
import { findHostileCharacter, hostileCharacterMessage, withVisibleEscapes } from './hostile-characters.ts';
import type { Answers } from './parse-issue-body.ts';
import { answerLimits, type Questionnaire } from './questionnaire.ts';
import { requestTerms } from './request-terms.ts';
import { taskTypes, type TaskType } from './task-types.ts';

/** What the platform already has, which answers are checked against. */
export interface PlatformFacts {
  /** Ids of the agents under agents/. */
  agents: readonly string[];
  /** Event types each existing agent declares in `emits`. */
  emittedBy: ReadonlyMap<string, string>;
  /** Types or patterns published without an agent: the platform's (github.*, agent.deployed) and the domains' (domain.yml). */
  platformEvents: readonly string[];
  /** Event types the domain models (each domains/<name>/model.yml) describe with a data schema: requests are among them. */
  modelEvents: readonly string[];
}

export interface AnswerProblem {
  /** The question's id and label, so a comment can point at it. */
  field: string;
  label: string;
  message: string;
}

export interface AgentRequest {
  id: string;
  name: string;
  tier: string;
  purpose: string;
  responsibilities: string[];
  wakesOn: string[];
  emits: string[];
  stores: { table: string; about: string | undefined }[];
  /** Tables beyond its own, each `name` or `name:write` as agent.yml's `uses` takes them. */
  uses: { table: string; about: string | undefined }[];
  capabilities: string[];
  /** The request types it answers (agent.yml's `answers`), with their callers' terms. */
  answers: RequestTerms[];
  dependsOn: string[];
  serviceLevel: string;
  acceptance: { given: string; when: string; then: string }[];
  /** A customer-facing agent's marketplace card (agent.yml's `catalog:`); undefined for any other agent. */
  catalog: CatalogCard | undefined;
  /** A customer-facing agent's task types (agent.yml's `tasks:`); none for any other agent. */
  tasks: TaskType[];
}

/** One request type an agent answers, with the terms agent.yml's `answers` gives its callers. */
export interface RequestTerms {
  type: string;
  timeoutMs: number | undefined;
  maxTimeoutMs: number | undefined;
  concurrency: number | undefined;
  queue: number | undefined;
  /** Why these limits, kept as the comment above the type in agent.yml. */
  why: string | undefined;
}

/** Names that would shadow the platform's own parts or confuse the registry. */
export const reservedIds = new Set([
  'runtime',
  'factory',
  'wowvision',
  'wow',
  'platform',
  'github',
  'admin',
  'system',
  'agent',
  'agents',
  'test',
  'templates',
]);

const kebab = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const table = /^[a-z_][a-z0-9_]*$/;

/**
 * Every problem with the answers at once, each naming its question and what to write
 * instead (GitHub does not enforce `required` on private repositories, and the body can be
 * edited freely, so nothing is trusted). Valid answers come back as an AgentRequest.
 * `existing`: the answers of an agent already in the repository (regen), whose id may be
 * one of the platform's reserved ones.
 */
export function validateAnswers(
  answers: Answers,
  q: Questionnaire,
  facts: PlatformFacts,
  opts: { existing?: boolean } = {},
): { request: AgentRequest } | { problems: AnswerProblem[] } {
  const problems: AnswerProblem[] = [];
  const labelOf = new Map(q.fields.map((f) => [f.id, f.label]));
  const problem = (field: string, message: string) =>
    problems.push({ field, label: labelOf.get(field) ?? field, message });
  const text = (id: string) => {
    const v = answers[id];
    return Array.isArray(v) ? v.join(', ') : v;
  };
  // Lists are comma- or line-separated; a table's description may hold commas, so tables are one per line.
  const list = (id: string, separator = /[\n,]/) =>
    (text(id) ?? '')
      .split(separator)
      .map((s) => s.replace(/^\s*[-*]\s+/, '').trim())
      .filter((s) => s !== '');

  for (const f of q.fields)
    if (f.required && answers[f.id] === undefined) problem(f.id, 'is required and has no answer.');
  // The marketplace card and the task types make a customer-facing agent, all together.
  const customerFacing = customerQuestions.some((id) => answers[id] !== undefined);
  if (customerFacing)
    for (const id of customerQuestions)
      if (answers[id] === undefined)
        problem(
          id,
          'has no answer, and a customer-facing agent needs it: its marketplace card and its task types go together ' +
            `(${customerQuestions.map((c) => labelOf.get(c) ?? c).join(', ')}); answer them all, or none.`,
        );
  if (!customerFacing && answers['wakes-on'] === undefined) problem('wakes-on', 'is required and has no answer.');
  if (!customerFacing && answers['private-to'] !== undefined)
    problem('private-to', 'is for a customer-facing agent an organisation asked for; leave it empty here.');
  for (const f of q.fields) {
    const v = answers[f.id];
    if (v === undefined) continue;
    // Checked before anything reads the answer: what lands in generated code, YAML and
    // Markdown is plain, visible text of a bounded size.
    const values = Array.isArray(v) ? v : [v];
    const limit = answerLimits[f.type];
    const long = values.find((value) => value.length > limit);
    if (long !== undefined) problem(f.id, `is ${long.length} characters long; it takes at most ${limit}: shorten it.`);
    const hostile = values
      .map((value) => findHostileCharacter(value, { multiline: f.type === 'textarea' }))
      .find((found) => found !== undefined);
    if (hostile !== undefined) problem(f.id, hostileCharacterMessage(hostile));
    if (!Array.isArray(v)) continue;
    if (v.length > (f.options ?? []).length) {
      problem(
        f.id,
        `has ${v.length} choices, and there are only ${(f.options ?? []).length}: ${(f.options ?? []).join(', ')}.`,
      );
      continue;
    }
    if (f.type === 'dropdown') {
      for (const choice of v)
        if (!(f.options ?? []).includes(choice))
          problem(f.id, `${quote(choice)} is not one of the choices: ${(f.options ?? []).join(', ')}.`);
      if (!f.multiple && v.length > 1) problem(f.id, 'takes one choice.');
    }
    if (f.type === 'checkboxes') {
      for (const choice of v)
        if (!(f.options ?? []).includes(choice))
          problem(
            f.id,
            `${quote(choice)} is not a capability the platform grants; the grantable ones are ${(f.options ?? []).join(', ')}.`,
          );
    }
  }

  const id = text('agent-id');
  if (id !== undefined) {
    if (!kebab.test(id) || id.length > 40)
      problem(
        'agent-id',
        `${quote(id)} is not a valid id: use kebab-case, at most 40 characters, e.g. "invoice-reconciler".`,
      );
    else if (facts.agents.includes(id))
      problem(
        'agent-id',
        `${quote(id)} is already taken by agents/${id}/; choose another id, or edit that agent instead.`,
      );
    else if (reservedIds.has(id) && opts.existing !== true)
      problem('agent-id', `${quote(id)} is reserved for the platform; choose a more specific id.`);
  }
  const name = text('name');
  if (name !== undefined && name.length > 60) problem('name', 'is longer than 60 characters.');

  // A customer-facing agent takes tasks and reports on them through the Service Flow's
  // events, as every such agent does: implied, so they are neither asked for nor refused.
  const implied = customerFacing ? serviceFlowEvents : { wakesOn: [], emits: [] };
  const emits = list('emits').filter((type) => !implied.emits.includes(type));
  // An agent may wake on what it emits itself: a timer half (a sweep) hands work to a
  // handler half through the bus, so that the work is retried and done once per event.
  const known = [...facts.emittedBy.keys(), ...facts.platformEvents, ...emits];
  const wakesOn = list('wakes-on').filter((type) => !implied.wakesOn.includes(type));
  for (const pattern of wakesOn) {
    if (!valid(assertPatternValid, pattern))
      problem(
        'wakes-on',
        `${quote(pattern)} is not an event type or pattern: write <domain>.<entity>.<action>, or <domain>.<entity>.* for all actions.`,
      );
    else if (!known.some((type) => typeMatches(pattern, type) || typeMatches(type, pattern)))
      problem(
        'wakes-on',
        `no agent emits ${quote(pattern)} and the platform does not publish it${suggest(pattern, known)}.`,
      );
  }
  for (const type of emits) {
    if (!valid(assertEventTypeValid, type))
      problem(
        'emits',
        `${quote(type)} is not an event type: write <domain>.<entity>.<action> in lowercase, e.g. "invoice.reconciliation.completed".`,
      );
    else if (facts.emittedBy.has(type))
      problem(
        'emits',
        `${quote(type)} is already emitted by ${facts.emittedBy.get(type) ?? ''}; an event type has one sender, so name this one after the new agent's domain.`,
      );
    else if (facts.platformEvents.includes(type))
      problem('emits', `${quote(type)} is published by the platform or one of its domains (domains/*/domain.yml).`);
  }
  const described = (id: string) =>
    list(id, /\n/).map((line) => {
      const [tableName = '', ...about] = line.split(/\s+[-–:]\s+/);
      return { table: tableName.trim(), about: about.length === 0 ? undefined : about.join(' - ') };
    });
  const stores = described('stores');
  for (const s of stores)
    if (!table.test(s.table))
      problem('stores', `${quote(s.table)} is not a table name: use snake_case, e.g. "invoice_matches".`);
  const uses = described('uses');
  const capabilities = (answers.capabilities as string[] | undefined) ?? [];
  // The generated agent records what it handles in its tables, as its own database role.
  if (stores.length > 0 && !capabilities.includes('store:write'))
    problem('capabilities', 'has no store:write, which the tables under "Data it stores" need: tick it.');
  for (const u of uses) {
    const [name = '', level] = u.table.split(':');
    if (!table.test(name) || (level !== undefined && level !== 'write'))
      problem(
        'uses',
        `${quote(u.table)} is not a table name: use snake_case, with ":write" to change it, e.g. "support_tickets:write".`,
      );
    else if (stores.some((s) => s.table === name))
      problem('uses', `${quote(name)} is one of the tables it stores, which it may use already.`);
    else if (level === 'write' && !capabilities.includes('store:write'))
      problem('uses', `${quote(u.table)} changes a table: tick store:write under "Capabilities it needs".`);
    else if (!capabilities.includes('store:read') && !capabilities.includes('store:write'))
      problem('uses', `${quote(u.table)} is read from the database: tick store:read under "Capabilities it needs".`);
  }
  const answered = requestTerms(list('requests', /\n/), (message) => problem('requests', message));
  for (const terms of answered) {
    if (!wakesOn.includes(terms.type))
      problem(
        'requests',
        `${quote(terms.type)} is not under "Events that wake it": add it there too; an agent answers only the requests it wakes on.`,
      );
    if (!facts.modelEvents.includes(terms.type))
      problem(
        'requests',
        `no domain model describes ${quote(terms.type)}: add it to the events of domains/<name>/model.yml ` +
          `with the schema of its data first${suggest(terms.type, facts.modelEvents)}.`,
      );
  }
  const dependsOn = list('depends-on');
  for (const dep of dependsOn)
    if (!facts.agents.includes(dep))
      problem(
        'depends-on',
        `there is no agent ${quote(dep)}; the agents are ${facts.agents.join(', ') || 'none yet'}.`,
      );
  if (
    !customerFacing &&
    answers['wakes-on'] !== undefined &&
    answers.emits === undefined &&
    answers.stores === undefined
  )
    problem(
      'emits',
      'and "Data it stores" are both empty: ' +
        'an agent that sends nothing and keeps nothing has no effect anyone can see or test; ' +
        'name an event it emits or a table it stores.',
    );
  const acceptance = examples(text('acceptance') ?? '');
  if (answers.acceptance !== undefined && acceptance.length === 0)
    problem('acceptance', 'has no complete example: write each as three lines, "Given …", "When …", "Then …".');

  const tier = text('tier');
  if (customerFacing && tier !== undefined && !customerTiers.includes(tier))
    problem('tier', `is ${quote(tier)}; a customer-facing agent serves customers: choose ${customerTiers.join(', ')}.`);
  if (customerFacing && stores.length > 0)
    problem(
      'stores',
      "is for agents that keep their own tables; a customer-facing agent's deliverables are kept by the Service Flow " +
        '(domains/customer), and its tools work on the task alone: leave it empty.',
    );
  if (customerFacing && !capabilities.includes('llm:complete'))
    problem('capabilities', "has no llm:complete, which a customer-facing agent's prose needs: tick it.");
  const catalog =
    customerFacing && customerQuestions.every((c) => answers[c] !== undefined) ? catalogCard(text, problem) : undefined;
  const tasks =
    catalog === undefined ? [] : taskTypes(text('tasks') ?? '', id ?? '', (message) => problem('tasks', message));

  if (problems.length > 0) return { problems };
  const [purpose = '', ...responsibilities] = (text('purpose') ?? '')
    .split('\n')
    .map((l) => l.replace(/^\s*[-*]\s+/, '').trim())
    .filter((l) => l !== '');
  return {
    request: {
      id: id ?? '',
      name: name ?? '',
      tier: tier ?? '',
      purpose,
      responsibilities,
      wakesOn: [...implied.wakesOn, ...wakesOn],
      emits: [...implied.emits, ...emits],
      stores,
      uses,
      capabilities,
      answers: answered,
      dependsOn,
      serviceLevel: text('service-level') ?? '',
      acceptance,
      catalog,
      tasks,
    },
  };
}

/** An answer quoted in a message: cut short, and with any hostile character shown as its escape. */
function quote(answer: string): string {
  return `"${withVisibleEscapes(answer.length > 80 ? `${answer.slice(0, 80)}…` : answer)}"`;
}

function valid(check: (v: string) => unknown, value: string): boolean {
  try {
    check(value);
    return true;
  } catch {
    return false;
  }
}

/** "; did you mean …" from known types sharing the first segment. */
function suggest(pattern: string, known: readonly string[]): string {
  const domain = pattern.split('.')[0] ?? '';
  const near = [...new Set(known.filter((t) => t.startsWith(`${domain}.`)))].slice(0, 3);
  return near.length === 0 ? '' : `; known ${domain} events include ${near.join(', ')}`;
}

/** Given / When / Then triples, in order; lines may carry "And" continuations. */
function examples(text: string): AgentRequest['acceptance'] {
  const found: AgentRequest['acceptance'] = [];
  let current: Partial<Record<'given' | 'when' | 'then', string>> = {};
  let last: 'given' | 'when' | 'then' | undefined;
  const flush = () => {
    if (current.given !== undefined && current.when !== undefined && current.then !== undefined)
      found.push({ given: current.given, when: current.when, then: current.then });
    current = {};
  };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^\s*[-*]\s+/, '').trim();
    const m = /^(given|when|then|and)\b[\s:,]*(.*)$/i.exec(line);
    if (m === null) continue;
    const word = (m[1] ?? '').toLowerCase();
    const rest = (m[2] ?? '').trim();
    if (word === 'and') {
      if (last !== undefined) current[last] = `${current[last] ?? ''} and ${rest}`;
      continue;
    }
    if (word === 'given' && current.then !== undefined) flush();
    last = word as 'given' | 'when' | 'then';
    current[last] = rest;
  }
  flush();
  return found;
}
