import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createLlmClient, createLogger, deliverTask, TaskNeedsInput, type CustomerTask } from '#platform';
import { createOpenAiDouble } from '../../../test/doubles/openai-api.ts';
import { cleanContacts } from '../src/hygiene/clean-contacts.ts';
import { cleanEmail, cleanName } from '../src/hygiene/names.ts';
import { normalisePhone } from '../src/hygiene/phone.ts';
import { contactsCsv, renderReport } from '../src/hygiene/render-report.ts';
import { cleanInput } from '../src/task-inputs.ts';
import { clean } from '../src/tools/clean.ts';

// crm.clean on a real export: duplicates joined through an email and a phone written three
// ways, names typed in capitals, an extension, an invalid email and a short phone number.
const fixture = (name: string) => readFile(new URL(`fixtures/${name}`, import.meta.url), 'utf8');

/** The task as the runner hands it to the tool, for the organisation in the fixtures' industry. */
async function sampleTask(): Promise<CustomerTask> {
  return {
    id: '2b3c4d5e-6f70-4a81-9b2c-3d4e5f6a7b8c',
    organisationId: '8c7b6a5f-4e3d-4c2b-9a1f-0e9d8c7b6a5f',
    agentId: 'crm',
    type: 'crm.clean',
    input: { contacts: await fixture('contacts.csv'), defaultCountry: 'gb' },
    organisation: { industry: 'Real estate', pastDeliverables: [], feedback: [] },
    log: createLogger('silent'),
  };
}

describe('the phone normaliser', () => {
  it.each([
    ['020 7946 0958', 'gb', '+442079460958'],
    ['+44 (0)20 7946 0958', 'us', '+442079460958'],
    ['07700-900123', 'gb', '+447700900123'],
    ['(212) 555-0100', 'us', '+12125550100'],
    ['1-212-555-0100', 'ca', '+12125550100'],
    ['011 44 20 7946 0958', 'us', '+442079460958'],
    ['0049 30 1234567', 'fr', '+49301234567'],
    ['098765 43210', 'in', '+919876543210'],
    ['06 12 34 56 78', 'fr', '+33612345678'],
    ['06 1234 5678', 'it', '+390612345678'],
    ['612 345 678', 'es', '+34612345678'],
    ['6123 4567', 'sg', '+6561234567'],
    ['+7 495 123-45-67', 'gb', '+74951234567'],
  ] as const)('%s (%s) is %s', (text, country, e164) => {
    expect(normalisePhone(text, country)).toEqual({ ok: true, e164, extension: null });
  });

  it('keeps an extension apart and refuses what is not a number of the country', () => {
    expect(normalisePhone('+1 (212) 555-0100 ext. 4021', 'gb')).toEqual({
      ok: true,
      e164: '+12125550100',
      extension: '4021',
    });
    expect(normalisePhone('555-0100', 'gb')).toEqual({ ok: false, reason: '7 digits after +44, expected 9 to 10' });
    expect(normalisePhone('(012) 555-0100', 'us')).toEqual({ ok: false, reason: 'not a North American number' });
    expect(normalisePhone('call me', 'us')).toEqual({ ok: false, reason: 'has characters a phone number does not' });
    expect(normalisePhone('+999 1234 5678 9012 3', 'us')).toEqual({
      ok: false,
      reason: '16 digits, an international number has 8 to 15',
    });
  });
});

describe('names and emails', () => {
  it('cases names typed in one case and leaves mixed case as written', () => {
    expect(cleanName('  PRIYA   SHAH ')).toBe('Priya Shah');
    expect(cleanName("seán o'brien")).toBe("Seán O'Brien");
    expect(cleanName('mary-kate mcdonald')).toBe('Mary-Kate McDonald');
    expect(cleanName('LUDWIG VAN BEETHOVEN')).toBe('Ludwig van Beethoven');
    expect(cleanName('DeShawn deBoer')).toBe('DeShawn deBoer');
  });

  it('lower-cases and validates emails', () => {
    expect(cleanEmail(' Priya.Shah@Northwind.Example ')).toBe('priya.shah@northwind.example');
    expect(cleanEmail('mailto:anna@globex.example')).toBe('anna@globex.example');
    expect([cleanEmail('ludwig@@music.example'), cleanEmail('a..b@x.example'), cleanEmail('no-at.example')]).toEqual([
      null,
      null,
      null,
    ]);
  });
});

describe('crm.clean', () => {
  it('merges duplicates by email and phone and explains each merge', async () => {
    const cleaned = cleanContacts(await fixture('contacts.csv'), 'gb');
    expect(cleaned.merges).toEqual([
      {
        rows: [2, 3, 10],
        links: [
          { row: 3, with: 2, by: 'email', value: 'priya.shah@northwind.example' },
          { row: 10, with: 2, by: 'phone', value: '+442079460958' },
        ],
        filled: [],
        conflicts: [
          { column: 'Name', kept: 'Priya Shah', dropped: [{ row: 3, value: 'P. Shah' }] },
          { column: 'Company', kept: 'Northwind', dropped: [{ row: 10, value: 'Northwind Logistics' }] },
        ],
      },
      {
        rows: [4, 5],
        links: [{ row: 5, with: 4, by: 'phone', value: '+447700900123' }],
        filled: [{ column: 'Company', from: 5 }],
        conflicts: [
          { column: 'Name', kept: "Seán O'Brien", dropped: [{ row: 5, value: 'Sean OBrien' }] },
          { column: 'Email', kept: 'sean@ostwerk.example', dropped: [{ row: 5, value: 'sean.obrien@gmail.example' }] },
        ],
      },
    ]);
    expect(cleaned.issues).toEqual([
      { row: 6, column: 'Email', value: 'ludwig@@music.example', problem: 'not an email address' },
      { row: 7, column: 'Phone', value: '555-0100', problem: '7 digits after +44, expected 9 to 10' },
    ]);
    expect(cleaned.changed).toEqual({ emails: 3, names: 5, phones: 6 });
    expect([cleaned.rowsIn, cleaned.emptyRows, cleaned.contacts.length]).toEqual([9, 1, 5]);
    expect(contactsCsv(cleaned)).toBe(
      [
        'Name,Email,Phone,Company,City,source_rows',
        'Priya Shah,priya.shah@northwind.example,+442079460958,Northwind,London,2 3 10',
        "Seán O'Brien,sean@ostwerk.example,+447700900123,Ostwerk,Leeds,4 5",
        'Ludwig van Beethoven,,+12125550100 ext. 23,Symphony Inc,New York,6',
        'Mary-Kate McDonald,mk@tidewater.example,,Tidewater,Bristol,7',
        'Anna de la Cruz,anna@globex.example,+49301234567,Globex,Berlin,9',
        '',
      ].join('\r\n'),
    );
    expect(renderReport(cleaned)).toBe(await fixture('contacts.report.md'));
  });

  it('asks for an email or phone column, and refuses a list beyond its bounds', () => {
    expect(() => cleanContacts('name,city\nAna,Leeds', 'gb')).toThrow(
      new TaskNeedsInput('The contacts CSV needs an "email" or a "phone" column; its columns are name, city.'),
    );
    expect(() => cleanContacts(`email\n${'a@b.example\n'.repeat(2001)}`, 'gb')).toThrow(
      'The contacts CSV has 2001 rows; send at most 2000 at a time.',
    );
    expect(cleanInput.safeParse({ contacts: 'x'.repeat(200_001), defaultCountry: 'gb' }).success).toBe(false);
    expect(cleanInput.safeParse({ contacts: 'email\na@b.example', defaultCountry: 'xx' }).success).toBe(false);
  });

  it('neutralises markup and formulas in the contacts', () => {
    const cleaned = cleanContacts(
      'name,email,company\n"<b>Eve</b> [x](javascript:y)",eve@x.example,"=HYPERLINK(""http://evil.example"")"\nEve,EVE@x.example,Evil',
      'gb',
    );
    const report = renderReport(cleaned);
    expect(report).toContain('Kept name "\\<b\\>Eve\\</b\\> \\[x\\](javascript:y)", dropped "Eve" (row 3).');
    expect(report).not.toMatch(/(?<!\\)<b>/);
    expect(contactsCsv(cleaned).split('\r\n')[1]).toBe(
      `<b>Eve</b> [x](javascript:y),eve@x.example,"'=HYPERLINK(""http://evil.example"")",2 3`,
    );
  });

  it('delivers the report, the contacts and the JSON without a model', async () => {
    const task = await sampleTask();
    const done = await deliverTask(task, {
      input: cleanInput,
      tool: clean,
      prompt: new URL('../prompts/clean.md', import.meta.url),
    });
    expect(done.deliverables.map((d) => [d.name, d.mediaType])).toEqual([
      ['report.md', 'text/markdown'],
      ['contacts.csv', 'text/csv'],
      ['report.json', 'application/json'],
    ]);
    expect(done).toMatchObject({
      model: null,
      summary: 'cleaned 9 contacts into 5 (2 merges) for a business in Real estate',
    });
    expect((JSON.parse(String(done.deliverables[2]?.content)) as { merges: unknown[] }).merges).toHaveLength(2);
  });
  it("with a model: the prompt carries the organisation's context and the tool's report, and the reply joins the report", async () => {
    const double = createOpenAiDouble(() => 'Check the second email of row 5 before the import.');
    const llm = createLlmClient(
      { model: 'gpt-4o-mini', baseUrl: 'https://api.openai.example/v1', apiKey: 'sk-test' },
      { fetch: double.fetch },
    );
    const done = await deliverTask(
      { ...(await sampleTask()), llm },
      { input: cleanInput, tool: clean, prompt: new URL('../prompts/clean.md', import.meta.url) },
    );
    expect(double.violations).toEqual([]);
    const [system, user] = double.requests[0]?.messages ?? [];
    expect(system?.content).toContain('# Clean a contacts list');
    expect(system?.content).toContain('- Industry: Real estate');
    expect(user?.content).toContain('What the tool found:\n# Contacts cleaned');
    expect(done.model).toBe('gpt-4o-mini');
    const report = done.deliverables.find((d) => d.name === 'report.md');
    expect(report?.content).toContain(
      '\n\n## Notes for your organisation\n\nCheck the second email of row 5 before the import.\n',
    );
  });
});
