import type { TaskField, TaskType } from '../questionnaire/task-types.ts';

/** A task type as the customer-agent template uses it: its names in code, its input's JSON Schema, a sample input. */
export interface TaskData extends TaskType {
  /** The tools module's function, e.g. "audit" for seo.audit, "writeOutline" for content.write-outline. */
  ident: string;
  /** Its input's zod schema and type, e.g. "auditInput" and "AuditInput". */
  schemaName: string;
  typeName: string;
  /** agent.yml's `tasks.<type>.input`: what the task API checks a customer's input against. */
  inputSchema: InputSchema;
  /** An input within the bounds, for the generated tests. */
  sampleInput: Record<string, string | number | boolean>;
}

export interface InputSchema {
  type: 'object';
  additionalProperties: false;
  required: string[];
  properties: Record<string, Record<string, string | number | string[]>>;
}

export function taskData(task: TaskType): TaskData {
  const ident = task.task.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  const typeName = `${ident.charAt(0).toUpperCase()}${ident.slice(1)}Input`;
  return {
    ...task,
    ident,
    schemaName: `${ident}Input`,
    typeName,
    inputSchema: {
      type: 'object',
      additionalProperties: false,
      required: task.fields.filter((f) => f.required).map((f) => f.name),
      properties: Object.fromEntries(task.fields.map((f) => [f.name, propertySchema(f)])),
    },
    sampleInput: Object.fromEntries(task.fields.map((f) => [f.name, sampleOf(f)])),
  };
}

/** A field's JSON Schema: its JSON type, what it is, then its bounds. */
function propertySchema(field: TaskField): Record<string, string | number | string[]> {
  const type = field.kind === 'integer' || field.kind === 'number' || field.kind === 'boolean' ? field.kind : 'string';
  return { type, ...(field.about === undefined ? {} : { description: field.about }), ...field.bounds };
}

function sampleOf(field: TaskField): string | number | boolean {
  const { bounds } = field;
  switch (field.kind) {
    case 'text': {
      const text = `Sample ${field.name}`;
      const min = Number(bounds.minLength ?? 0);
      return text.padEnd(min, '.').slice(0, Number(bounds.maxLength ?? text.length));
    }
    case 'integer':
    case 'number':
      return Number(bounds.minimum ?? 0);
    case 'choice':
      return (bounds.enum as string[])[0] ?? '';
    case 'url':
      return 'https://example.com/';
    case 'email':
      return 'person@example.com';
    case 'date':
      return '2026-01-15';
    case 'boolean':
      return true;
  }
}
