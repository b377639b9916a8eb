import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWowError, type WowError } from '#platform';
import { testDatabaseUrl, uniqueName } from '../../../test/support/servers.ts';
import {
  loadQuestionnaire,
  loadTemplates,
  upsertCatalogueRow,
  writeAnswersFile,
  type AgentRequest,
  type AgentTemplate,
  type Answers,
} from '../src/index.ts';
import { renderTemplate } from '../src/generate/render-template.ts';
import { templateData } from '../src/generate/template-data.ts';
import { markdownShape, tsShape } from './support/generated-shape.ts';

// Every template rendered with hostile text in every field, straight into the renderer
// (validation refuses most of these characters; this proves the templates do not depend
// on it): each generated file must say exactly what the benign answers make it say.

/** Text that ends comments and strings, opens Markdown and YAML constructs, or hides what it says. */
const hostileTexts = [
  'Notes\u2028process.exit(1) //',
  'x\u2029globalThis.pwned = 1 // */ process.exit(2) /*',
  'it\'s "quoted" \\ back\\slash ${process.exit(3)} `tick` `${1}`',
  'line one\nprocess.exit(4)\r\n// two\ttab',
  '<script>alert(1)</script> <img src=x onerror=alert(1)> <!-- hidden -->',
  '@someone and @org/team, mail a@b.example, see #12',
  '[click](javascript:alert(1)) ![img](https://x.example/i.png) https://x.example www.x.example [ref]: https://x.example',
  'a: #b\n---\n- item\n# heading\n> quote\n1. one\n```\ncode',
  '| pipe | cell |\n|---|---|\n| x | y |',
  '* _ ~~struck~~ **bold** $math$ &#64;someone &lt;b&gt; \\',
  '\u202Eevil\u202C \u2066iso\u2069 zero\u200Bwidth\u200D\uFEFF \u061C\u200E\u200F \u0001\u007F\u0085',
  '---',
  '- leading list marker',
];

const benign: AgentRequest = {
  id: 'plain-agent',
  name: 'Plain Agent',
  tier: 'Platform CoE',
  purpose: 'Does plain things.',
  responsibilities: ['does one thing', 'does another'],
  wakesOn: ['github.push'],
  emits: ['plain.thing.done'],
  stores: [{ table: 'plain_rows', about: 'one row per push' }],
  uses: [{ table: 'support_tickets:write', about: 'answers them' }],
  capabilities: ['store:write'],
  answers: [],
  dependsOn: ['wowvision'],
  serviceLevel: 'within 1 minute',
  acceptance: [
    { given: 'a push', when: 'it is handled', then: 'it emits plain.thing.done' },
    { given: 'another push', when: 'it is handled', then: 'a row is kept' },
  ],
  catalog: undefined,
  tasks: [],
};

/** The benign request with `text` in every text field (the id too: paths are named separately). */
function hostileRequest(text: string): AgentRequest {
  return {
    id: text,
    name: text,
    tier: text,
    purpose: text,
    responsibilities: [text, text],
    wakesOn: [text],
    emits: [text],
    stores: [{ table: text, about: text }],
    uses: [{ table: text, about: text }],
    capabilities: [text],
    answers: [],
    dependsOn: [text],
    serviceLevel: text,
    acceptance: benign.acceptance.map(() => ({ given: text, when: text, then: text })),
    catalog: undefined,
    tasks: [],
  };
}

const pathNames = { id: 'plain-agent', migration: '0001_plain_agent_tables' };
const render = (template: AgentTemplate, request: AgentRequest) =>
  renderTemplate(template, templateData(request, { name: template.name, version: template.version }, []), pathNames);

/** Control characters other than tab and line feed, and the invisible ones (written out independently of the module under test). */
const raw = /[^\P{Cc}\t\n]|[\u061C\u200B-\u200F\u2028-\u202E\u2060\u2066-\u2069\uFEFF]/u;

describe('every template, rendered with hostile answers in every field', () => {
  let templates: AgentTemplate[];
  let catalogue: string;
  let db: pg.Client;
  const schema = uniqueName('factory_hostile');

  beforeAll(async () => {
    templates = await loadTemplates();
    catalogue = await readFile(new URL('../../../docs/agents.md', import.meta.url), 'utf8');
    db = new pg.Client({ connectionString: testDatabaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.query(`drop schema if exists ${schema} cascade`);
    await db.end();
  });

  describe.each(hostileTexts.map((text, i) => [i + 1, JSON.stringify(text).slice(1, 40), text] as const))(
    'hostile text %i (%s…)',
    (_, _shown, text) => {
      const hostile = hostileRequest(text);

      it.each(['platform-coe', 'domain-llm'])(
        '%s: each .ts file parses to exactly the statements of the benign one',
        (name) => {
          const template = templates.find((t) => t.name === name) as AgentTemplate;
          const plain = render(template, benign);
          const made = render(template, hostile);
          expect([...made.keys()]).toEqual([...plain.keys()]);
          for (const [path, code] of made) {
            if (!path.endsWith('.ts')) continue;
            const expected = tsShape(path, plain.get(path) ?? '');
            const shape = tsShape(path, code);
            expect({ path, errors: shape.errors }).toEqual({ path, errors: [] });
            expect({ path, statements: shape.statements }).toEqual({ path, statements: expected.statements });
            expect({ path, kinds: shape.kinds }).toEqual({ path, kinds: expected.kinds });
          }
        },
      );

      it.each(['platform-coe', 'domain-llm'])(
        '%s: agent.yml parses to the same keys, with the hostile text as the values',
        (name) => {
          const template = templates.find((t) => t.name === name) as AgentTemplate;
          const made = render(template, hostile);
          const manifest = parse(made.get('agents/plain-agent/agent.yml') ?? '') as unknown;
          expect(Object.keys(manifest as object)).toEqual(
            Object.keys(parse(render(template, benign).get('agents/plain-agent/agent.yml') ?? '') as object),
          );
          expect(manifest).toEqual({
            id: text,
            name: text,
            version: '0.1.0',
            description: templateData(hostile, template, []).description,
            tier: text,
            wakesOn: [text],
            emits: [text],
            capabilities: [text],
            stores: [text],
            uses: [text],
          });
        },
      );

      it.each(['platform-coe', 'domain-llm'])(
        '%s: README.md has no mention, link, image or HTML from the answers, and the same structure',
        (name) => {
          const template = templates.find((t) => t.name === name) as AgentTemplate;
          const expected = markdownShape(render(template, benign).get('agents/plain-agent/README.md') ?? '');
          const shape = markdownShape(render(template, hostile).get('agents/plain-agent/README.md') ?? '');
          expect(shape.linked).toEqual([]);
          expect(shape.counts).toEqual(expected.counts);
          expect(shape.blocks).toEqual(expected.blocks);
        },
      );

      it('docs/agents.md: the catalogue row has no mention, link, image or HTML from the answers', () => {
        const expected = markdownShape(upsertCatalogueRow(catalogue, benign));
        const shape = markdownShape(upsertCatalogueRow(catalogue, hostile));
        expect(shape.linked).toEqual([]);
        expect(shape.counts).toEqual(expected.counts);
        expect(shape.blocks).toEqual(expected.blocks);
      });

      it('questionnaire.yml keeps the answers exactly', async () => {
        const q = await loadQuestionnaire();
        const answers: Answers = Object.fromEntries(
          q.fields.map((f) => [f.id, f.type === 'dropdown' || f.type === 'checkboxes' ? [text] : text]),
        );
        const written = parse(writeAnswersFile({ template: 'platform-coe', templateVersion: 1, answers }, q)) as {
          answers: Answers;
        };
        expect(written.answers).toEqual(
          Object.fromEntries(
            Object.entries(answers).map(([id, v]) => [
              id,
              q.fields.find((f) => f.id === id)?.multiple === false &&
              q.fields.find((f) => f.id === id)?.type === 'dropdown'
                ? text
                : v,
            ]),
          ),
        );
      });

      it.each(['platform-coe', 'domain-llm'])(
        "%s: no file carries a hidden character, and the migration creates exactly the agent's table",
        async (name) => {
          const template = templates.find((t) => t.name === name) as AgentTemplate;
          const made = render(template, hostile);
          for (const [path, content] of made)
            expect({ path, hidden: raw.exec(content)?.[0] }).toEqual({ path, hidden: undefined });
          await db.query(`drop schema if exists ${schema} cascade`);
          await db.query(`create schema ${schema}`);
          await db.query(`set search_path to ${schema}`);
          await db.query(made.get(`agents/${pathNames.id}/migrations/${pathNames.migration}.sql`) ?? '');
          const { rows } = await db.query<{ table_name: string; columns: string[] }>(
            'select table_name, array_agg(column_name::text order by ordinal_position) ' +
              'as columns from information_schema.columns where table_schema = $1 group by table_name',
            [schema],
          );
          const {
            rows: [expectedName],
          } = await db.query<{ name: string }>('select $1::name::text as name', [text]);
          expect(rows).toEqual([
            { table_name: expectedName?.name, columns: ['event_id', 'event_type', 'subject', 'data', 'recorded_at'] },
          ]);
        },
      );
    },
  );
});

/** A customer-facing request: the card and a task type with a field of each kind. */
const customer: AgentRequest = {
  ...benign,
  tier: 'Marketing',
  wakesOn: ['customer.task.requested'],
  emits: ['customer.task.started', 'customer.task.completed', 'customer.task.failed', 'customer.task.needs_input'],
  stores: [],
  uses: [],
  capabilities: ['llm:complete'],
  catalog: {
    avatar: '🔎',
    specialty: 'Plain audits',
    industries: ['E-commerce', 'Healthcare'],
    skills: ['plain-audit'],
    priceTier: 'standard',
  },
  tasks: [
    {
      type: 'plain-agent.audit-page',
      task: 'audit-page',
      title: 'Audit a page',
      description: 'Audits one page.',
      minutesSaved: 45,
      fields: [
        { name: 'html', kind: 'text', required: true, bounds: { minLength: 1, maxLength: 1000 }, about: 'the page' },
        { name: 'count', kind: 'integer', required: false, bounds: { minimum: 1, maximum: 9 }, about: undefined },
        { name: 'share', kind: 'number', required: true, bounds: { minimum: 0, maximum: 1 }, about: 'a share' },
        { name: 'tone', kind: 'choice', required: true, bounds: { enum: ['formal', 'friendly'] }, about: 'the tone' },
        {
          name: 'page',
          kind: 'url',
          required: false,
          bounds: { maxLength: 2048, format: 'uri' },
          about: 'its address',
        },
        { name: 'mail', kind: 'email', required: false, bounds: { maxLength: 254, format: 'email' }, about: 'who' },
        { name: 'due', kind: 'date', required: false, bounds: { format: 'date' }, about: 'when' },
        { name: 'deep', kind: 'boolean', required: false, bounds: {}, about: 'how far' },
      ],
    },
  ],
};

/** The customer request with `text` in every text answer: the card, the task's type, title, description, field names, choices and descriptions. */
function hostileCustomer(text: string): AgentRequest {
  const [task] = customer.tasks;
  if (task === undefined) throw new Error('no task');
  return {
    ...hostileRequest(text),
    stores: [],
    uses: [],
    catalog: { avatar: text, specialty: text, industries: [text, text], skills: [text], priceTier: 'standard' },
    tasks: [
      {
        ...task,
        type: text,
        title: text,
        description: text,
        fields: task.fields.map((f) => ({
          ...f,
          name: `${f.name}${text}`,
          about: f.about === undefined ? undefined : text,
          bounds: f.kind === 'choice' ? { enum: [text, `${text}2`] } : f.bounds,
        })),
      },
    ],
  };
}

const customerNames = (request: AgentRequest, template: AgentTemplate) => {
  const data = templateData(request, { name: template.name, version: template.version }, []);
  return {
    data,
    names: { ...pathNames, task: data.tasks.map((t) => ({ segment: t.task, item: t })) },
  };
};
const renderCustomer = (template: AgentTemplate, request: AgentRequest) => {
  const { data, names } = customerNames(request, template);
  return renderTemplate(template, data, names);
};

describe('the customer-agent template, rendered with hostile answers in every field', () => {
  let template: AgentTemplate;
  beforeAll(async () => {
    template = (await loadTemplates()).find((t) => t.name === 'customer-agent') as AgentTemplate;
  });

  it('renders a tools module and a prompt per task type', () => {
    expect([...renderCustomer(template, customer).keys()].sort()).toEqual(
      [
        'README.md',
        'agent.yml',
        'prompts/audit-page.md',
        'src/index.ts',
        'src/task-inputs.ts',
        'src/tools/audit-page.ts',
        'test/plain-agent.test.ts',
      ].map((p) => `agents/plain-agent/${p}`),
    );
  });

  describe.each(hostileTexts.map((text, i) => [i + 1, JSON.stringify(text).slice(1, 40), text] as const))(
    'hostile text %i (%s…)',
    (_, _shown, text) => {
      const hostile = hostileCustomer(text);

      it('each .ts file parses to exactly the statements of the benign one, and no file carries a hidden character', () => {
        const plain = renderCustomer(template, customer);
        const made = renderCustomer(template, hostile);
        expect([...made.keys()]).toEqual([...plain.keys()]);
        for (const [path, code] of made) {
          expect({ path, hidden: raw.exec(code)?.[0] }).toEqual({ path, hidden: undefined });
          if (!path.endsWith('.ts')) continue;
          const expected = tsShape(path, plain.get(path) ?? '');
          const shape = tsShape(path, code);
          expect({ path, errors: shape.errors }).toEqual({ path, errors: [] });
          expect({ path, statements: shape.statements, kinds: shape.kinds }).toEqual({
            path,
            statements: expected.statements,
            kinds: expected.kinds,
          });
        }
      });

      it('agent.yml parses to the same structure, with the hostile text as the catalog and task values', () => {
        const made = parse(renderCustomer(template, hostile).get('agents/plain-agent/agent.yml') ?? '') as {
          catalog: unknown;
          tasks: Record<
            string,
            {
              title: string;
              description: string;
              input: { required: string[]; properties: Record<string, { description?: string; enum?: string[] }> };
            }
          >;
        };
        expect(made.catalog).toEqual({
          avatar: text,
          specialty: text,
          industries: [text, text],
          skills: [text],
          priceTier: 'standard',
        });
        expect(Object.keys(made.tasks)).toEqual([text]);
        const task = made.tasks[text];
        expect(task).toMatchObject({ title: text, description: text, minutesSaved: 45 });
        expect(task?.input.required).toEqual([`html${text}`, `share${text}`, `tone${text}`]);
        expect(Object.keys(task?.input.properties ?? {})).toEqual(
          customer.tasks[0]?.fields.map((f) => `${f.name}${text}`),
        );
        expect(task?.input.properties[`tone${text}`]?.enum).toEqual([text, `${text}2`]);
        expect(task?.input.properties[`html${text}`]?.description).toBe(text);
      });

      it.each(['README.md', 'prompts/audit-page.md'])(
        '%s has no mention, link, image or HTML from the answers, and the same structure',
        (file) => {
          const path = `agents/plain-agent/${file}`;
          const expected = markdownShape(renderCustomer(template, customer).get(path) ?? '');
          const shape = markdownShape(renderCustomer(template, hostile).get(path) ?? '');
          expect(shape.linked).toEqual([]);
          expect(shape.counts).toEqual(expected.counts);
          expect(shape.blocks).toEqual(expected.blocks);
        },
      );
    },
  );
});

describe('the templates themselves', () => {
  it('write every answer through an escaping helper: no raw (<%~) tags, and a raw value stops rendering, naming the template and expression', async () => {
    const templates = await loadTemplates();
    for (const template of templates)
      for (const [path, text] of template.files)
        expect({ path, raw: text.includes('<%~') }).toEqual({ path, raw: false });
    const [first] = templates;
    if (first === undefined) throw new Error('no templates');
    const readme = [...first.files.keys()].find((p) => p.endsWith('README.md.eta')) ?? '';
    const unescaped: AgentTemplate = { ...first, files: new Map([[readme, '# <%= it.name %>\n']]) };
    expect(() => render(unescaped, benign)).toThrow(
      `templates/agents/${first.name}/files/${readme} is invalid: <%= it.name %> gives a raw string`,
    );
    // Broken the same way on every attempt: a WowError the bus never retries.
    const broken = (() => {
      try {
        render(unescaped, benign);
      } catch (err) {
        return err;
      }
    })();
    expect(isWowError(broken, 'WOW_ERR_FACTORY_TEMPLATE')).toBe(true);
    expect((broken as WowError).retryable).toBe(false);
    const rawTag: AgentTemplate = { ...first, files: new Map([[readme, '# <%~ it.name %>\n']]) };
    expect(() => render(rawTag, benign)).toThrow('<%~ it.name %> writes raw text');
    const wrongPlace: AgentTemplate = { ...first, files: new Map([[readme, '# <%= it.ts(it.name) %>\n']]) };
    expect(() => render(wrongPlace, benign)).toThrow(
      '<%= it.ts(it.name) %> gives typescript text; this file takes it.md(…)',
    );
  });

  it('name generated paths only with plain names: an id is never a way out of agents/', async () => {
    const [first] = await loadTemplates();
    if (first === undefined) throw new Error('no templates');
    expect(() =>
      renderTemplate(first, templateData(benign, first, []), { id: '../../.github/workflows', migration: '0001_x' }),
    ).toThrow('the name "id" is not a plain path segment');
  });
});
