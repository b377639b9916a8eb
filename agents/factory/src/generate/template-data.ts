import { typeMatches, type DomainModel } from '#platform';
import type { AgentRequest } from '../questionnaire/validate-answers.ts';
import { escapeHelpers } from './escaped-output.ts';
import { modelEventsOf, type ModelEventData } from './model-events.ts';
import { taskData, type TaskData } from './task-data.ts';

/** One acceptance example as its generated test uses it. */
export interface ExampleData {
  index: number;
  title: string;
  given: string;
  when: string;
  then: string;
  /** The event the test publishes: a type named in the example that wakes the agent, else a sample of its first wake-on pattern. */
  wakeType: string;
  /** The event the test waits for: a type named in "Then" that the agent emits, else its first emitted type. */
  expectType: string | undefined;
  /** A customer-facing agent's task the example sends: a task type it names, else the first. */
  taskType: string | undefined;
}

/**
 * What a template sees as `it`: the validated answers, derived values, and the escaping
 * helpers every `<%= … %>` writes its value through (`it.ts`, `it.comment`, `it.yaml`,
 * `it.md`, `it.mdCode`, `it.mdJoin`, `it.sqlIdent`: see escaped-output.ts).
 */
export interface TemplateData extends Omit<AgentRequest, 'tasks'>, Readonly<typeof escapeHelpers> {
  /** A customer-facing agent's task types, with their names in code, input schemas and sample inputs. */
  tasks: TaskData[];
  description: string;
  examples: ExampleData[];
  template: { name: string; version: number };
  /** The events of the domain models it wakes on, emits and answers, with their data schemas (model-events.ts). */
  modelEvents: ModelEventData[];
  /** A concrete event type for a pattern ("a.b.*" → "a.b.example"). */
  sampleType(pattern: string | undefined): string;
}

const typeToken = /\b[a-z][a-z0-9_]*(?:\.[a-z0-9_-]+)+\b/g;

export function templateData(
  request: AgentRequest,
  template: { name: string; version: number },
  models: readonly DomainModel[],
): TemplateData {
  const sampleType = (pattern: string | undefined) => (pattern ?? 'agent.request.received').replace(/\*$/, 'example');
  const examples = request.acceptance.map((example, i): ExampleData => {
    const named = (text: string) => text.match(typeToken) ?? [];
    const wakeType =
      [...named(example.given), ...named(example.when)].find(
        (t) => !t.includes('*') && request.wakesOn.some((p) => typeMatches(p, t)),
      ) ?? sampleType(request.wakesOn[0]);
    const expectType = named(example.then).find((t) => request.emits.includes(t)) ?? request.emits[0];
    const taskType =
      [...named(example.given), ...named(example.when), ...named(example.then)].find((t) =>
        request.tasks.some((task) => task.type === t),
      ) ?? request.tasks[0]?.type;
    return {
      index: i + 1,
      title: `Given ${example.given}, when ${example.when}, then ${example.then}`,
      ...example,
      wakeType,
      expectType,
      taskType,
    };
  });
  return {
    ...request,
    description: firstSentence(request.purpose),
    tasks: request.tasks.map(taskData),
    examples,
    template,
    modelEvents: modelEventsOf(request, models),
    ...escapeHelpers,
    sampleType,
  };
}

function firstSentence(text: string): string {
  const sentence = /^(.+?[.!?])(\s|$)/.exec(text)?.[1] ?? text;
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}
