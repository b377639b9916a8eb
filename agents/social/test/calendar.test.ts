import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createLogger, deliverTask, TaskNeedsInput, type CustomerTask } from '#platform';
import { planCalendar } from '../src/calendar/plan-calendar.ts';
import { parsePlatforms, postLength } from '../src/calendar/platforms.ts';
import { renderCalendar, renderIcs } from '../src/calendar/render-calendar.ts';
import { zonedInstant } from '../src/calendar/zoned-time.ts';
import { calendarInput } from '../src/task-inputs.ts';
import { calendar } from '../src/tools/calendar.ts';

// social.calendar on real posts, exactly: the slots, the lengths as each platform counts
// them, the time zone's offset (and its daylight-saving change), the files delivered.
const fixture = (name: string) => readFile(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
const lines = async () => (await fixture('posts.txt')).split('\n').filter((l) => l !== '');

function taskOf(input: Record<string, unknown>): CustomerTask {
  return {
    id: '3c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
    organisationId: '9e8d7c6b-5a49-4382-9716-a5b4c3d2e1f0',
    agentId: 'social',
    type: 'social.calendar',
    input,
    organisation: { industry: 'Retail', pastDeliverables: [], feedback: [] },
    log: createLogger('silent'),
  };
}

const recipe = { input: calendarInput, tool: calendar, prompt: new URL('../prompts/calendar.md', import.meta.url) };

describe('post lengths', () => {
  it('counts characters, not UTF-16 units, and a link on X as 23 whatever its length', () => {
    const post = 'Sale 👍🏽 https://shop.example.com/winter-sale-2027?utm_source=social&utm_medium=organic';
    expect(postLength(post, 'linkedin')).toBe(85);
    expect(postLength(post, 'x')).toBe(7 + 23);
  });

  it('takes platforms by name or alias, in the calendar order, and names one it does not know', () => {
    expect(parsePlatforms('Instagram, twitter , LinkedIn')).toEqual({ platforms: ['linkedin', 'x', 'instagram'] });
    expect(parsePlatforms(undefined)).toEqual({ platforms: ['linkedin', 'x', 'instagram', 'facebook'] });
    expect(parsePlatforms('linkedin, myspace')).toEqual({ unknown: 'myspace' });
  });
});

describe('the plan', () => {
  it("puts each platform's posts on its best days in the organisation's time zone, skipping posts too long for it", async () => {
    const made = planCalendar(await lines(), {
      startDate: '2027-01-04',
      weeks: 2,
      timeZone: 'Asia/Kolkata',
      perWeek: 2,
      platforms: ['linkedin', 'x', 'instagram'],
    });
    expect(made.posts.map((p) => [p.lengths, p.tooLongFor])).toEqual([
      [{ linkedin: 151, x: 96, instagram: 151 }, []],
      [{ linkedin: 96, x: 96, instagram: 96 }, []],
      [{ linkedin: 119, x: 119, instagram: 119 }, []],
      [{ linkedin: 345, x: 345, instagram: 345 }, ['x']],
    ]);
    // Tuesday 5 January 09:00 in India (UTC+5:30) is 03:30 UTC; post 4 is too long for X, so X's fourth slot stays open.
    expect(made.slots.slice(0, 3)).toEqual([
      {
        date: '2027-01-05',
        weekday: 'Tuesday',
        time: '09:00',
        start: '2027-01-05T03:30:00.000Z',
        platform: 'x',
        post: 1,
      },
      {
        date: '2027-01-05',
        weekday: 'Tuesday',
        time: '10:00',
        start: '2027-01-05T04:30:00.000Z',
        platform: 'linkedin',
        post: 1,
      },
      {
        date: '2027-01-05',
        weekday: 'Tuesday',
        time: '11:00',
        start: '2027-01-05T05:30:00.000Z',
        platform: 'instagram',
        post: 1,
      },
    ]);
    expect(made.slots.filter((s) => s.platform === 'x').map((s) => [s.date, s.post])).toEqual([
      ['2027-01-05', 1],
      ['2027-01-06', 2],
      ['2027-01-12', 3],
      ['2027-01-13', null],
    ]);
    expect([made.scheduled, made.openSlots]).toEqual([11, 1]);
    expect(renderCalendar(made)).toBe(await fixture('posts.calendar.md'));
  });

  it('starts the week on the start date, whatever day it is, and follows the clock change', () => {
    // A Friday start: the week runs Friday to Thursday. London moves to summer time on 28 March 2027.
    const made = planCalendar(['Spring menu is here'], {
      startDate: '2027-03-26',
      weeks: 2,
      timeZone: 'Europe/London',
      perWeek: 1,
      platforms: ['facebook'],
    });
    expect(made.slots.map((s) => [s.date, s.weekday, s.start, s.post])).toEqual([
      ['2027-03-31', 'Wednesday', '2027-03-31T08:00:00.000Z', 1],
      ['2027-04-07', 'Wednesday', '2027-04-07T08:00:00.000Z', null],
    ]);
    expect(zonedInstant('2027-03-27', '09:00', 'Europe/London').toISOString()).toBe('2027-03-27T09:00:00.000Z');
    expect(zonedInstant('2027-03-29', '09:00', 'Europe/London').toISOString()).toBe('2027-03-29T08:00:00.000Z');
    expect(zonedInstant('2027-01-05', '09:00', 'America/New_York').toISOString()).toBe('2027-01-05T14:00:00.000Z');
  });

  it('writes an iCalendar event per scheduled post, at its UTC instant, with the text escaped as iCalendar wants', () => {
    const made = planCalendar(['Sale; today, only'], {
      startDate: '2027-01-04',
      weeks: 1,
      timeZone: 'Asia/Kolkata',
      perWeek: 1,
      platforms: ['linkedin'],
    });
    expect(renderIcs(made, { uid: 'task-1', stamp: new Date('2027-01-01T00:00:00Z') }).split('\r\n')).toEqual([
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//WAOOAW//Social Media Agent//EN',
      'NAME:Posting calendar',
      'X-WR-CALNAME:Posting calendar',
      'BEGIN:VEVENT',
      'UID:task-1-1@waooaw',
      'SEQUENCE:0',
      'DTSTAMP:20270101T000000Z',
      'DTSTART:20270105T043000Z',
      'DTEND:20270105T044500Z',
      'SUMMARY:LinkedIn: Sale\\; today\\, only',
      'DESCRIPTION:Sale\\; today\\, only',
      'END:VEVENT',
      'END:VCALENDAR',
    ]);
  });
});

describe('social.calendar delivered', () => {
  it('delivers the report, the iCalendar file and the JSON', async () => {
    const done = await deliverTask(
      taskOf({
        posts: await fixture('posts.txt'),
        startDate: '2027-01-04',
        weeks: 2,
        timeZone: 'Asia/Kolkata',
        platforms: 'linkedin, x, instagram',
        perWeek: 2,
      }),
      recipe,
    );
    expect(done.deliverables.map((d) => [d.name, d.mediaType])).toEqual([
      ['calendar.md', 'text/markdown'],
      ['calendar.ics', 'text/calendar'],
      ['calendar.json', 'application/json'],
    ]);
    expect(done.deliverables[0]?.content).toBe(await fixture('posts.calendar.md'));
    expect(String(done.deliverables[1]?.content).match(/BEGIN:VEVENT/g)).toHaveLength(11);
    expect(JSON.parse(String(done.deliverables[2]?.content))).toMatchObject({ scheduled: 11, openSlots: 1 });
    expect(done).toMatchObject({ model: null, summary: 'built a 2-week posting calendar for a business in Retail' });
  });

  it('neutralises Markdown and HTML in the posts, and refuses what it cannot plan', async () => {
    const base = { startDate: '2027-01-04', weeks: 1, timeZone: 'Asia/Kolkata', platforms: 'x', perWeek: 1 };
    const done = await deliverTask(
      taskOf({ ...base, posts: '<script>alert(1)</script> | [win](javascript:x) **now**' }),
      recipe,
    );
    const report = String(done.deliverables[0]?.content);
    expect(report).toContain('\\<script\\>alert(1)\\</script\\> \\| \\[win\\](javascript:x) \\*\\*now\\*\\*');
    expect(report).not.toContain('<script>');

    await expect(deliverTask(taskOf({ ...base, posts: 'Hi', timeZone: 'Mars/Olympus' }), recipe)).rejects.toThrow(
      /"Mars\/Olympus" is not a time zone/,
    );
    await expect(deliverTask(taskOf({ ...base, posts: 'Hi', platforms: 'x, orkut' }), recipe)).rejects.toThrow(
      /"orkut" is not a platform/,
    );
    await expect(
      deliverTask(taskOf({ ...base, posts: Array.from({ length: 101 }, (_, i) => `Post ${i}`).join('\n') }), recipe),
    ).rejects.toThrow(/101 posts: a calendar takes at most 100/);
    await expect(deliverTask(taskOf({ ...base, posts: 'x'.repeat(30001) }), recipe)).rejects.toBeInstanceOf(
      TaskNeedsInput,
    );
    await expect(deliverTask(taskOf({ ...base, posts: 'Hi', weeks: 13 }), recipe)).rejects.toBeInstanceOf(
      TaskNeedsInput,
    );
  });
});
