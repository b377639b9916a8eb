import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createStore, migrate, type Store } from '#platform';
import { closeAndDropSchema, testDatabaseUrl, uniqueName } from '../../../../test/support/servers.ts';
import {
  ackAlert,
  claimDueEscalations,
  claimDueGroups,
  listAlerts,
  recordAlert,
} from '../../src/alerts/alert-ledger.ts';
import { parseAlertRules } from '../../src/alerts/alert-rules.ts';

// De-duplication, grouping, acknowledgement and escalation of operator alerts on PostgreSQL.
// Time is the test's: each call is given its `now`.
const log = createLogger('silent');
const rules = parseAlertRules(
  `dedupeMinutes: 10
groupSeconds: 60
rules:
  - name: incidents
    match: { types: [support.incident.*] }
    notify: { slack: ["#ops"] }
    escalate:
      - { afterMinutes: 15, notify: { email: [lead@waooaw.example] } }
      - { afterMinutes: 45, notify: { github: ["@waooaw/oncall"] } }
  - name: sla
    match: { types: [support.sla.*] }
    notify: { email: [desk@waooaw.example] }
`,
  'config/alerts.yml',
);
const t0 = new Date('2026-12-06T10:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
let store: Store;

beforeAll(async () => {
  store = await createStore({ url: testDatabaseUrl, dataDir: '.data', poolMax: 2, schema: uniqueName('alerts'), log });
  await migrate(store, { log });
});

afterAll(async () => {
  await closeAndDropSchema(store);
});

const incident = (id: string) => ({
  type: 'support.incident.opened',
  agent: 'wowsupport',
  severity: 'critical' as const,
  key: `support.incident.opened:${id}`,
  summary: `WowSupport answers 20% slower (${id})`,
});

describe('operator alerts on PostgreSQL', () => {
  it('Given a burst of alerts, when they are recorded and the group window passes, then repeats are one alert and the burst one message', async () => {
    const first = await recordAlert(store, rules, incident('a'), at(0));
    const repeat = await recordAlert(store, rules, incident('a'), at(30));
    expect(first?.deduplicated).toBe(false);
    expect(repeat).toMatchObject({ deduplicated: true, alert: { id: first?.alert.id, fired: 2 } });
    await recordAlert(store, rules, incident('b'), at(40));
    await recordAlert(store, rules, { ...incident('x'), type: 'support.sla.breached', key: 'sla:x' }, at(50));
    expect(await recordAlert(store, rules, { ...incident('y'), type: 'github.push' }, at(50))).toBeUndefined();

    expect(await claimDueGroups(store, rules, at(59))).toEqual([]);
    const due = await claimDueGroups(store, rules, at(61));
    expect(due).toHaveLength(1);
    expect(due[0]).toMatchObject({ rule: 'incidents', level: 0, channels: { slack: ['#ops'] } });
    expect(due[0]?.alerts.map((a) => a.key).sort()).toEqual(['support.incident.opened:a', 'support.incident.opened:b']);
    // Told once: the same group is not claimed again; the SLA alert's own window closes later.
    expect((await claimDueGroups(store, rules, at(111))).map((m) => m.rule)).toEqual(['sla']);
    expect(await claimDueGroups(store, rules, at(200))).toEqual([]);
  });

  it('Given alerts nobody acknowledges, when the escalation minutes pass, then the next level is told, and an ack stops it', async () => {
    expect(await claimDueEscalations(store, rules, at(61 + 14 * 60))).toEqual([]);
    const level1 = await claimDueEscalations(store, rules, at(61 + 15 * 60));
    expect(level1).toHaveLength(1);
    expect(level1[0]).toMatchObject({ rule: 'incidents', level: 1, channels: { email: ['lead@waooaw.example'] } });
    expect(level1[0]?.alerts).toHaveLength(2);
    expect(await claimDueEscalations(store, rules, at(61 + 16 * 60))).toEqual([]);

    const [a] = level1[0]?.alerts ?? [];
    expect(await ackAlert(store, a?.id ?? '', 'ada', at(61 + 20 * 60))).toBe(true);
    expect(await ackAlert(store, a?.id ?? '', 'ada', at(61 + 21 * 60))).toBe(false);
    expect(await ackAlert(store, 'not-an-id', 'ada', at(61 + 21 * 60))).toBe(false);
    const level2 = await claimDueEscalations(store, rules, at(61 + 45 * 60));
    expect(level2).toHaveLength(1);
    expect(level2[0]).toMatchObject({ level: 2, channels: { github: ['@waooaw/oncall'] } });
    expect(level2[0]?.alerts.map((x) => x.id)).not.toContain(a?.id);
    // Past the last level nothing more happens.
    expect(await claimDueEscalations(store, rules, at(61 + 300 * 60))).toEqual([]);

    const open = await listAlerts(store);
    expect(open.map((x) => x.id)).not.toContain(a?.id);
    expect((await listAlerts(store, { all: true })).find((x) => x.id === a?.id)?.ackedBy).toBe('ada');
  });

  it('Given an acknowledged alert, when the same key fires again, then it is a new alert', async () => {
    const again = await recordAlert(store, rules, incident('a'), at(61 + 301 * 60));
    expect(again?.deduplicated).toBe(false);
  });
});
