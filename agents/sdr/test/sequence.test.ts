import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createLlmClient, createLogger, deliverTask, TaskNeedsInput, type CustomerTask, csvCell } from '#platform';
import { createOpenAiDouble } from '../../../test/doubles/openai-api.ts';
import { addBusinessDays, isDay, onOrAfter, parseHolidays } from '../src/sequence/business-days.ts';
import { planSequence } from '../src/sequence/plan-sequence.ts';
import { renderSequence, scheduleCsv } from '../src/sequence/render-sequence.ts';
import { personalise } from '../src/sequence/touches.ts';
import { zonedInstant } from '../src/sequence/zoned-time.ts';
import { sequenceInput } from '../src/task-inputs.ts';
import { sequence } from '../src/tools/sequence.ts';

// sdr.sequence on a real prospects list: the calendar across a weekend, a holiday and New
// York's change to summer time, the fields checked, a reply that stops the follow-ups.
const fixture = (name: string) => readFile(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
const options = { startDate: '2026-02-27', timeZone: 'America/New_York', holidays: '2026-03-04\n' };

function taskOf(input: Record<string, unknown>): CustomerTask {
  return {
    id: '0d4f8a52-6c1e-4b7a-9d3e-2f5a6b7c8d9e',
    organisationId: '5b6c7d8e-9f01-4a23-8b45-6c7d8e9f0a1b',
    agentId: 'sdr',
    type: 'sdr.sequence',
    input,
    organisation: { industry: 'Logistics', pastDeliverables: [], feedback: [] },
    log: createLogger('silent'),
  };
}

describe('business days', () => {
  it('skips weekends and holidays, and knows a real day', () => {
    const holidays = parseHolidays('2026-03-04\n\n2026-12-25');
    expect(onOrAfter('2026-02-28', holidays)).toBe('2026-03-02');
    expect(addBusinessDays('2026-02-27', 3, holidays)).toBe('2026-03-05');
    expect(addBusinessDays('2026-12-24', 1, holidays)).toBe('2026-12-28');
    expect(isDay('2026-02-30')).toBe(false);
    expect(() => parseHolidays('next friday')).toThrow(TaskNeedsInput);
  });

  it("turns a local hour into UTC with the day's own offset", () => {
    expect(zonedInstant('2026-03-06', 9, 'America/New_York')).toBe('2026-03-06T14:00:00Z');
    expect(zonedInstant('2026-03-09', 9, 'America/New_York')).toBe('2026-03-09T13:00:00Z');
    expect(zonedInstant('2026-07-01', 9, 'Asia/Kolkata')).toBe('2026-07-01T03:30:00Z');
    // 01:00 does not happen in London on 29 March 2026: the touch goes at 02:00 BST.
    expect(zonedInstant('2026-03-29', 1, 'Europe/London')).toBe('2026-03-29T01:00:00Z');
  });

  it('fills fields, falls back, and names the blank ones', () => {
    expect(personalise('Hi {{ name }}, {{team|your team}}!', { name: 'Ana', team: ' ' })).toEqual({
      text: 'Hi Ana, your team!',
      blank: [],
    });
    expect(personalise('Hi {{name}} at {{co}}', { name: '' })).toEqual({ text: 'Hi  at ', blank: ['name', 'co'] });
  });
});

describe('sdr.sequence', () => {
  it('schedules each prospect, holds blank fields, stops after a reply and skips bad rows', async () => {
    const plan = planSequence(await fixture('prospects.csv'), await fixture('touches.txt'), options);
    expect(plan.touches.map((t) => [t.step, t.channel, t.weekday, t.date, t.sendAt])).toEqual([
      [1, 'email', 'Friday', '2026-02-27', '2026-02-27T14:00:00Z'],
      [2, 'linkedin', 'Thursday', '2026-03-05', '2026-03-05T14:00:00Z'],
      [3, 'call', 'Tuesday', '2026-03-10', '2026-03-10T13:00:00Z'],
    ]);
    expect(plan.fieldsUsed).toEqual(['first_name', 'company', 'role']);
    expect(plan.prospects.map((p) => [p.email, p.touches.map((t) => t.status)])).toEqual([
      ['priya.shah@northwind.example', ['scheduled', 'scheduled', 'scheduled']],
      ['tom@acme-freight.example', ['scheduled', 'stopped', 'stopped']],
      ['lena@ostwerk.example', ['held', 'scheduled', 'held']],
      ['ravi@tidewater.example', ['stopped', 'stopped', 'stopped']],
    ]);
    expect(plan.prospects[2]?.touches[1]?.text).toBe('Hello, sharing a 2-minute case study for CFO teams.');
    expect(plan.skipped).toEqual([
      { row: 5, email: 'not-an-email', reason: 'not an email address' },
      { row: 6, email: 'tom@acme-freight.example', reason: 'listed before' },
    ]);
    expect(plan.totals).toEqual({ scheduled: 5, held: 2, stopped: 5 });
    expect(renderSequence(plan)).toBe(await fixture('sequence.md'));
    const csv = scheduleCsv(plan).split('\r\n');
    expect(csv[0]).toBe('email,step,channel,date,send_at_utc,status,reason,message');
    expect(csv[4]).toBe(
      'tom@acme-freight.example,1,email,2026-02-27,2026-02-27T14:00:00Z,scheduled,,"Hi Tom, how does Acme Freight, Ltd plan routes today?"',
    );
    // A formula in the prospect's data does not run when the schedule is opened in a spreadsheet.
    expect(csv[12]).toBe(
      'ravi@tidewater.example,3,call,2026-03-10,2026-03-10T13:00:00Z,stopped,replied on 2026-02-20,' +
        '"\'=HYPERLINK(""http://evil.example""): call Ravi about the pilot."',
    );
  });

  it('asks for what is missing: a column a message uses, the email column, a time zone, a channel', async () => {
    const prospects = await fixture('prospects.csv');
    const ask = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return err instanceof TaskNeedsInput ? err.question : err;
      }
      return 'no question';
    };
    expect(ask(() => planSequence(prospects, 'email: Hi {{firstname}} from {{city}}', options))).toBe(
      'The messages use {{firstname}}, {{city}}, which the prospects CSV has no column for; its columns are email, first_name, company, role, replied_on.',
    );
    expect(ask(() => planSequence('name\nAna', 'email: Hi', options))).toBe(
      'The prospects CSV needs an "email" column; its columns are name.',
    );
    expect(ask(() => planSequence(prospects, 'email: Hi', { ...options, timeZone: 'Mars/Olympus' }))).toBe(
      '"Mars/Olympus" is not a time zone; give an IANA name such as Europe/London.',
    );
    expect(ask(() => planSequence(prospects, 'fax: Hi', options))).toBe(
      'Touch 1 should read "channel: message" with a channel among email, call, linkedin, sms, video; it reads "fax: Hi".',
    );
  });

  it('neutralises markup in the messages and refuses a list beyond its bounds', () => {
    const plan = planSequence(
      'email\na@b.example',
      'email: <script>alert(1)</script> [win](javascript:x) | **now**',
      options,
    );
    const report = renderSequence(plan);
    expect(report).toContain('\\<script\\>alert(1)\\</script\\> \\[win\\](javascript:x) \\| \\*\\*now\\*\\*');
    expect(report).not.toMatch(/(?<!\\)<script>/);
    expect([csvCell('+SUM(A1:A9)'), csvCell('@cmd'), csvCell('+1 555 0100')]).toEqual([
      "'+SUM(A1:A9)",
      "'@cmd",
      '+1 555 0100',
    ]);
    expect(
      sequenceInput.safeParse({ prospects: 'x'.repeat(100_001), touches: 'email: Hi', startDate: '2026-02-27' })
        .success,
    ).toBe(false);
    const rows = `email\n${Array.from({ length: 501 }, (_, i) => `p${i}@x.example`).join('\n')}`;
    expect(() => planSequence(rows, 'email: Hi', options)).toThrow('send at most 500 at a time');
  });

  it('delivers the report, the schedule and the plan without a model', async () => {
    const done = await deliverTask(
      taskOf({ prospects: await fixture('prospects.csv'), touches: await fixture('touches.txt'), ...options }),
      { input: sequenceInput, tool: sequence, prompt: new URL('../prompts/sequence.md', import.meta.url) },
    );
    expect(done.deliverables.map((d) => [d.name, d.mediaType])).toEqual([
      ['sequence.md', 'text/markdown'],
      ['schedule.csv', 'text/csv'],
      ['sequence.json', 'application/json'],
    ]);
    expect(done).toMatchObject({
      model: null,
      summary: 'planned a 3-touch sequence for 4 prospects of a business in Logistics',
    });
    const json = JSON.parse(String(done.deliverables[2]?.content)) as { prospects: { touches: object[] }[] };
    expect(json.prospects[1]?.touches[1]).toEqual({ step: 2, status: 'stopped', reason: 'replied on 2026-03-05' });
  });
  it("with a model: the prompt carries the organisation's context and the tool's report, and the reply joins the report", async () => {
    const double = createOpenAiDouble(() => 'Open touch 2 with the case study.');
    const llm = createLlmClient(
      { model: 'gpt-4o-mini', baseUrl: 'https://api.openai.example/v1', apiKey: 'sk-test' },
      { fetch: double.fetch },
    );
    const done = await deliverTask(
      {
        ...taskOf({ prospects: await fixture('prospects.csv'), touches: await fixture('touches.txt'), ...options }),
        llm,
      },
      { input: sequenceInput, tool: sequence, prompt: new URL('../prompts/sequence.md', import.meta.url) },
    );
    expect(double.violations).toEqual([]);
    const [system, user] = double.requests[0]?.messages ?? [];
    expect(system?.content).toContain('# Plan an outreach sequence');
    expect(system?.content).toContain('- Industry: Logistics');
    expect(user?.content).toContain('What the tool found:\n# Outreach sequence');
    expect(done.model).toBe('gpt-4o-mini');
    const report = done.deliverables.find((d) => d.name === 'sequence.md');
    expect(report?.content).toContain('\n\n## Notes for your organisation\n\nOpen touch 2 with the case study.\n');
  });
});
