import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  loadQuestionnaire,
  parseIssueBody,
  renderIssueForm,
  validateAnswers,
  type PlatformFacts,
} from '../src/index.ts';

const q = await loadQuestionnaire();

/** A body exactly as GitHub renders the form: CRLF, a blank line after each heading, `_No response_`. */
const rendered = [
  '### Agent id',
  '',
  'invoice-reconciler',
  '',
  '### Agent name',
  '',
  'Invoice Reconciler',
  '',
  '### Tier / domain',
  '',
  'Sales',
  '',
  '### Purpose and responsibilities',
  '',
  'Matches invoices with payments.',
  '- find the payment for each invoice',
  '- flag mismatches',
  '',
  '### Events that wake it',
  '',
  'github.issues.opened, vision.review.completed',
  '',
  '### Events it emits',
  '',
  'invoice.match.found',
  'invoice.match.missing',
  '',
  '### Requests it answers',
  '',
  '_No response_',
  '',
  '### Data it stores',
  '',
  'invoice_matches - one row per invoice and its payment',
  '',
  '### Data it uses elsewhere',
  '',
  '_No response_',
  '',
  '### Capabilities it needs',
  '',
  '- [X] github:issues:write',
  '- [ ] github:contents:write',
  '- [x] llm:complete',
  '- [x] store:write',
  '',
  '### Agents it depends on',
  '',
  '_No response_',
  '',
  '### Service level (response target)',
  '',
  'within 1 minute',
  '',
  '### Acceptance examples',
  '',
  'Given an unpaid invoice',
  'When a payment with its number arrives',
  'Then it emits invoice.match.found',
  '',
  // A customer-facing agent's questions, unanswered for an agent that is not one.
  ...[
    'Avatar (customer-facing agents)',
    'Specialty',
    'Industries and specialisations',
    'Skills',
    'Price tier',
    'Task types',
    'Private to an organisation',
  ].flatMap((label) => [`### ${label}`, '', '_No response_', '']),
].join('\r\n');

const facts: PlatformFacts = {
  agents: ['wowvision', 'billing'],
  emittedBy: new Map([
    ['vision.review.completed', 'wowvision'],
    ['billing.invoice.created', 'billing'],
  ]),
  platformEvents: ['github.issues.opened', 'github.issues.edited', 'github.pull_request.opened', 'agent.deployed'],
  modelEvents: ['billing.invoice.created', 'billing.invoice.matched'],
};

describe('the New-agent issue form', () => {
  it('is generated from templates/questionnaire.yml (the committed form is in step)', async () => {
    const committed = await readFile(new URL('../../../.github/ISSUE_TEMPLATE/new-agent.yml', import.meta.url), 'utf8');
    expect(committed).toBe(await renderIssueForm(q));
  });

  it('keeps to the issue-form schema: unique ids and labels, known types, options where needed', async () => {
    const form = parse(await renderIssueForm(q)) as {
      name: string;
      description: string;
      body: { type: string; id?: string; attributes: { label?: string; options?: unknown[] } }[];
    };
    expect(form.name).not.toBe('');
    expect(form.description).not.toBe('');
    const inputs = form.body.filter((e) => e.type !== 'markdown');
    expect(inputs).toHaveLength(20);
    expect(new Set(inputs.map((e) => e.id)).size).toBe(inputs.length);
    expect(new Set(inputs.map((e) => e.attributes.label)).size).toBe(inputs.length);
    for (const e of form.body) expect(['markdown', 'input', 'textarea', 'dropdown', 'checkboxes']).toContain(e.type);
    for (const e of inputs)
      if (e.type === 'dropdown' || e.type === 'checkboxes') expect(e.attributes.options?.length).toBeGreaterThan(0);
    for (const e of inputs.filter((x) => x.type === 'dropdown')) expect(e.attributes.options).not.toContain('None');
  });
});

describe('parsing a rendered issue body', () => {
  it('reads every kind of answer from a CRLF body', () => {
    const { answers, missingSections } = parseIssueBody(rendered, q);
    expect(missingSections).toEqual([]);
    expect(answers).toEqual({
      'agent-id': 'invoice-reconciler',
      name: 'Invoice Reconciler',
      tier: ['Sales'],
      purpose: 'Matches invoices with payments.\n- find the payment for each invoice\n- flag mismatches',
      'wakes-on': 'github.issues.opened, vision.review.completed',
      emits: 'invoice.match.found\ninvoice.match.missing',
      stores: 'invoice_matches - one row per invoice and its payment',
      capabilities: ['github:issues:write', 'llm:complete', 'store:write'],
      'service-level': ['within 1 minute'],
      acceptance: 'Given an unpaid invoice\nWhen a payment with its number arrives\nThen it emits invoice.match.found',
    });
  });

  it('keeps a ### or a fence inside an answer in that answer, and strips the fence a rendered textarea adds', () => {
    const body = rendered
      .replace(
        'Matches invoices with payments.',
        'Matches invoices.\r\n### Not a question\r\n```md\r\n### Agent id\r\nstill the purpose\r\n```',
      )
      .replace(
        'Given an unpaid invoice\r\nWhen a payment with its number arrives\r\nThen it emits invoice.match.found',
        '```text\r\nGiven an unpaid invoice\r\nWhen a payment arrives\r\nThen it emits invoice.match.found\r\n```',
      );
    const { answers } = parseIssueBody(body, q);
    expect(answers['agent-id']).toBe('invoice-reconciler');
    expect(answers.purpose).toBe(
      'Matches invoices.\n### Not a question\n```md\n### Agent id\nstill the purpose\n```\n- find the payment for each invoice\n- flag mismatches',
    );
    expect(answers.acceptance).toBe(
      'Given an unpaid invoice\nWhen a payment arrives\nThen it emits invoice.match.found',
    );
  });

  it('reads a body edited by hand: LF, a section removed, multi-select dropdowns, an unclosed fence, None', () => {
    const body = rendered
      .replace(/\r\n/g, '\n')
      .replace('### Data it stores\n\ninvoice_matches - one row per invoice and its payment\n\n', '')
      .replace('within 1 minute', 'within 1 minute, best effort')
      .replace('_No response_\n\n### Service', 'None\n\n### Service')
      .replace('Then it emits invoice.match.found', 'Then it emits invoice.match.found\n```');
    const { answers, missingSections } = parseIssueBody(body, q);
    expect(missingSections).toEqual(['stores']);
    expect(answers['service-level']).toEqual(['within 1 minute', 'best effort']);
    expect(answers['depends-on']).toBeUndefined();
    expect(answers.acceptance).toContain('Then it emits invoice.match.found');
  });
});

describe('validating the answers', () => {
  it('turns valid answers into an agent request', () => {
    const result = validateAnswers(parseIssueBody(rendered, q).answers, q, facts);
    expect(result).toEqual({
      request: {
        id: 'invoice-reconciler',
        name: 'Invoice Reconciler',
        tier: 'Sales',
        purpose: 'Matches invoices with payments.',
        responsibilities: ['find the payment for each invoice', 'flag mismatches'],
        wakesOn: ['github.issues.opened', 'vision.review.completed'],
        emits: ['invoice.match.found', 'invoice.match.missing'],
        stores: [{ table: 'invoice_matches', about: 'one row per invoice and its payment' }],
        uses: [],
        capabilities: ['github:issues:write', 'llm:complete', 'store:write'],
        answers: [],
        dependsOn: [],
        serviceLevel: 'within 1 minute',
        acceptance: [
          {
            given: 'an unpaid invoice',
            when: 'a payment with its number arrives',
            then: 'it emits invoice.match.found',
          },
        ],
        // Not a customer-facing agent: no marketplace card, no task types.
        catalog: undefined,
        tasks: [],
      },
    });
  });

  it('takes the tables it uses elsewhere only as names, never its own, writing them only with store:write', () => {
    const answer = (uses: string, capabilities: string) =>
      validateAnswers(
        parseIssueBody(
          rendered
            .replace('### Data it uses elsewhere\r\n\r\n_No response_', `### Data it uses elsewhere\r\n\r\n${uses}`)
            .replace('- [x] store:write', capabilities),
          q,
        ).answers,
        q,
        facts,
      );
    const problems = (result: ReturnType<typeof answer>) =>
      'problems' in result ? result.problems.map((p) => `${p.label}: ${p.message}`) : [];
    expect(problems(answer('support_tickets - to read', '- [ ] store:write'))).toEqual([
      'Capabilities it needs: has no store:write, which the tables under "Data it stores" need: tick it.',
      'Data it uses elsewhere: "support_tickets" is read from the database: tick store:read under "Capabilities it needs".',
    ]);
    expect(
      problems(answer('support_tickets:write - answers\r\ninvoice_matches\r\nDrop Table', '- [x] store:read')),
    ).toEqual([
      'Capabilities it needs: has no store:write, which the tables under "Data it stores" need: tick it.',
      'Data it uses elsewhere: "support_tickets:write" changes a table: tick store:write under "Capabilities it needs".',
      'Data it uses elsewhere: "invoice_matches" is one of the tables it stores, which it may use already.',
      'Data it uses elsewhere: "Drop Table" is not a table name: use snake_case, with ":write" to change it, e.g. "support_tickets:write".',
    ]);
    const valid = answer('support_tickets:write - answers them\r\nsupport_customers', '- [x] store:write');
    expect('request' in valid ? valid.request.uses : valid.problems).toEqual([
      { table: 'support_tickets:write', about: 'answers them' },
      { table: 'support_customers', about: undefined },
    ]);
  });

  it('lists every problem at once, each naming its question and what to write instead', () => {
    const body = rendered
      .replace('invoice-reconciler', 'Invoice_Reconciler')
      .replace('Sales', '_No response_')
      .replace('github.issues.opened, vision.review.completed', 'billing.invoice.payed, github.issues.opened')
      .replace('invoice.match.missing', 'vision.review.completed')
      .replace('- [ ] github:contents:write', '- [x] root:everything')
      .replace('_No response_\r\n\r\n### Service', 'ledger\r\n\r\n### Service')
      .replace('When a payment with its number arrives\r\n', '');
    const result = validateAnswers(parseIssueBody(body, q).answers, q, facts);
    expect('problems' in result ? result.problems.map((p) => `${p.label}: ${p.message}`) : []).toEqual([
      'Tier / domain: is required and has no answer.',
      'Capabilities it needs: "root:everything" is not a capability the platform grants; ' +
        'the grantable ones are github:contents:read, github:contents:write, github:issues:write, ' +
        'github:pull_requests:write, github:checks:write, github:members:read, llm:complete, store:read, store:write, ' +
        'identity:lifecycle:write, identity:approvals:write, bus:watch, errors:report, ' +
        'platform:bus:redrive, platform:deploy:rollback, platform:agents:suspend.',
      'Agent id: "Invoice_Reconciler" is not a valid id: use kebab-case, at most 40 characters, e.g. "invoice-reconciler".',
      'Events that wake it: no agent emits "billing.invoice.payed" and the platform does not publish it; known billing events include billing.invoice.created.',
      'Events it emits: "vision.review.completed" is already emitted by wowvision; ' +
        "an event type has one sender, so name this one after the new agent's domain.",
      'Agents it depends on: there is no agent "ledger"; the agents are wowvision, billing.',
      'Acceptance examples: has no complete example: write each as three lines, "Given …", "When …", "Then …".',
    ]);
  });

  it('refuses ids that are taken or reserved', () => {
    for (const [id, message] of [
      ['billing', 'is already taken by agents/billing/'],
      ['runtime', 'is reserved for the platform'],
    ] as const) {
      const result = validateAnswers(parseIssueBody(rendered.replace('invoice-reconciler', id), q).answers, q, facts);
      expect('problems' in result ? result.problems[0]?.message : '').toContain(message);
    }
  });

  it('refuses characters that hide what an answer says, in any field, naming the field and the character', () => {
    const answers = parseIssueBody(rendered, q).answers;
    const cases: [string, string, string][] = [
      ['name', 'Invoice\u2028Reconciler', 'U+2028 (LINE SEPARATOR) at character 8'],
      ['name', 'Invoice\u2029Reconciler', 'U+2029 (PARAGRAPH SEPARATOR)'],
      ['purpose', 'Matches \u202Eseciovni', 'U+202E (RIGHT-TO-LEFT OVERRIDE)'],
      ['purpose', 'Matches \u2066invoices\u2069', 'U+2066 (LEFT-TO-RIGHT ISOLATE)'],
      ['purpose', 'Matches\u200Binvoices', 'U+200B (ZERO WIDTH SPACE)'],
      ['acceptance', '\uFEFFGiven a\nWhen b\nThen c', 'U+FEFF (ZERO WIDTH NO-BREAK SPACE)'],
      ['stores', 'invoice_matches\u061C', 'U+061C (ARABIC LETTER MARK)'],
      ['purpose', 'Matches\u0007 invoices', 'U+0007 (BELL)'],
      ['purpose', 'Matches\u007F invoices', 'U+007F (DELETE)'],
      ['purpose', 'Matches\u0085 invoices', 'U+0085 (NEXT LINE)'],
      ['purpose', 'Matches\r invoices', 'U+000D (CARRIAGE RETURN)'],
      ['name', 'Invoice\nReconciler', 'U+000A (LINE FEED)'],
      ['depends-on', 'wowvision\tbilling', 'U+0009 (CHARACTER TABULATION)'],
    ];
    for (const [field, value, named] of cases) {
      const result = validateAnswers({ ...answers, [field]: value }, q, facts);
      const found =
        'problems' in result
          ? result.problems.find((p) => p.field === field && p.message.startsWith('contains'))
          : undefined;
      expect({ field, value, message: found?.message.slice(0, `contains ${named}`.length) }).toEqual({
        field,
        value,
        message: `contains ${named}`,
      });
    }
    // Line feeds and tabs are how a multi-line answer is written.
    expect(validateAnswers({ ...answers, purpose: 'Matches invoices.\n\t- find payments' }, q, facts)).toHaveProperty(
      'request',
    );
  });

  it('bounds every answer, and never quotes one back whole or with its hidden characters', () => {
    const answers = parseIssueBody(rendered, q).answers;
    const result = validateAnswers(
      {
        ...answers,
        purpose: 'x'.repeat(4_001),
        'depends-on': 'y'.repeat(201),
        'agent-id': `Bad\u202E${'z'.repeat(200)}`,
      },
      q,
      facts,
    );
    const messages = 'problems' in result ? result.problems.map((p) => `${p.label}: ${p.message}`) : [];
    expect(messages).toContain(
      'Purpose and responsibilities: is 4001 characters long; it takes at most 4000: shorten it.',
    );
    expect(messages).toContain('Agents it depends on: is 201 characters long; it takes at most 200: shorten it.');
    const id = messages.find((m) => m.startsWith('Agent id: "')) ?? '';
    expect(id).toContain('"Bad\\u202Ez');
    expect(id).not.toContain('\u202E');
    expect(id.length).toBeLessThan(200);
  });
});
