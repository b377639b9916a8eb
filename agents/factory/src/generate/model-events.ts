import { modelCovers, type DomainModel } from '#platform';
import type { AgentRequest } from '../questionnaire/validate-answers.ts';
import type { DataSchema } from './zod-source.ts';

/** How an agent uses an event of a domain model. */
export type EventRole = 'wakes on' | 'emits' | 'answers';

/** One event of a domain model an agent uses, as its generated schemas module renders it. */
export interface ModelEventData {
  type: string;
  /** The schema's export: the type in camelCase, then "Data" (support.ticket.opened → supportTicketOpenedData). */
  name: string;
  /** Its type's export, in PascalCase. */
  typeName: string;
  domain: string;
  version: number;
  meaning: string;
  roles: EventRole[];
  /** Its JSDoc: the type, its domain and version, how the agent uses it, and the model's meaning, in lines of about 100 characters. */
  about: string[];
  data: DataSchema;
}

const camel = (type: string) => type.replace(/[._-]+([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * The events of the domain models an agent wakes on, emits or answers, each once, by type:
 * a declared pattern (`support.ticket.*`) brings every type of the models under it. A
 * family the models describe only by pattern (`github.*`, GitHub's own payloads) has no
 * data schema of its own to render, and a type no model describes is left out (WowVision's
 * `domain` rule asks for it).
 */
export function modelEventsOf(
  request: Pick<AgentRequest, 'wakesOn' | 'emits' | 'answers'>,
  models: readonly DomainModel[],
): ModelEventData[] {
  const found = new Map<string, ModelEventData>();
  const use = (declared: string, role: EventRole) => {
    for (const model of models)
      for (const event of model.events) {
        if (event.type.endsWith('.*') || !modelCovers(event.type, declared)) continue;
        const known = found.get(event.type);
        if (known !== undefined) {
          if (!known.roles.includes(role)) known.roles.push(role);
          continue;
        }
        const name = `${camel(event.type)}Data`;
        found.set(event.type, {
          type: event.type,
          name,
          typeName: `${name.charAt(0).toUpperCase()}${name.slice(1)}`,
          domain: model.name,
          version: event.version,
          meaning: event.meaning,
          roles: [role],
          about: [],
          data: event.data,
        });
      }
  };
  for (const declared of request.wakesOn) use(declared, 'wakes on');
  for (const type of request.emits) use(type, 'emits');
  for (const answered of request.answers) use(answered.type, 'answers');
  return [...found.values()]
    .sort((a, b) => (a.type < b.type ? -1 : 1))
    .map((event) => {
      // An answered request is one it wakes on: "answers" says both.
      const roles = event.roles.includes('answers') ? event.roles.filter((r) => r !== 'wakes on') : event.roles;
      const lead = `${event.type} (${event.domain}, version ${event.version}), which it ${roles.join(' and ')}:`;
      return { ...event, roles, about: wrap(`${lead} ${event.meaning}`, 100) };
    });
}

/** Words in lines of at most `width` characters (a longer word has a line of its own). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}
