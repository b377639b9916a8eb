import { csvDocument, markdownText } from '#platform';
import type { SequencePlan } from './plan-sequence.ts';

/** The plan as the customer reads it: the calendar, the fields checked, then who is held, stopped or skipped. */
export function renderSequence(plan: SequencePlan): string {
  const { totals } = plan;
  const lines = [
    '# Outreach sequence',
    '',
    `${plan.prospects.length} prospect(s), ${plan.touches.length} touch(es) ${plan.gapDays} business day(s) apart, sent at ` +
      `${String(plan.sendHour).padStart(2, '0')}:00 ${plan.timeZone}: ` +
      `${totals.scheduled} scheduled, ${totals.held} held, ${totals.stopped} stopped by a reply.`,
    '',
    '## Calendar',
    '',
    '| step | channel | day | sent at (UTC) | message |',
    '|---|---|---|---|---|',
    ...plan.touches.map(
      (t) => `| ${t.step} | ${t.channel} | ${t.weekday} ${t.date} | ${t.sendAt} | ${markdownText(t.message)} |`,
    ),
    '',
    '## Personal fields',
    '',
  ];
  if (plan.fieldsUsed.length === 0) lines.push('The messages use no personal fields.');
  else
    lines.push(
      `Every field the messages use is a column of the prospects CSV: ${plan.fieldsUsed.map((f) => `\`${f.replace(/`/g, "'")}\``).join(', ')}.`,
    );
  lines.push('');
  const held = plan.prospects.flatMap((p) =>
    p.touches
      .filter((t) => t.status === 'held')
      .map((t) => `- ${markdownText(p.email)}, step ${t.step}: ${markdownText(t.reason ?? '')}`),
  );
  if (held.length > 0) lines.push('## Held until the data is filled in', '', ...held, '');
  const stopped = plan.prospects.filter((p) => p.repliedOn !== null);
  if (stopped.length > 0) {
    lines.push('## Stopped by a reply', '');
    for (const p of stopped) {
      const left = p.touches.filter((t) => t.status !== 'stopped').length;
      lines.push(
        `- ${markdownText(p.email)} replied on ${p.repliedOn ?? ''}: ${left} touch(es) before the reply, the rest stopped`,
      );
    }
    lines.push('');
  }
  if (plan.skipped.length > 0) {
    lines.push('## Rows skipped', '');
    for (const s of plan.skipped) lines.push(`- row ${s.row} (${markdownText(s.email) || 'no email'}): ${s.reason}`);
    lines.push('');
  }
  return lines.join('\n');
}

/** Each prospect's touches, one a line, ready for a sending tool to import. */
export function scheduleCsv(plan: SequencePlan): string {
  const byStep = new Map(plan.touches.map((t) => [t.step, t]));
  return csvDocument(
    ['email', 'step', 'channel', 'date', 'send_at_utc', 'status', 'reason', 'message'],
    plan.prospects.flatMap((p) =>
      p.touches.map((t) => {
        const touch = byStep.get(t.step);
        return [
          p.email,
          t.step,
          touch?.channel ?? '',
          touch?.date ?? '',
          touch?.sendAt ?? '',
          t.status,
          t.reason ?? '',
          t.text,
        ];
      }),
    ),
  );
}
