import { describe, expect, it } from 'vitest';
import { channelsAt, parseAlertRules, routeAlert } from '../../src/alerts/alert-rules.ts';

const rules = `dedupeMinutes: 5
rules:
  - name: security
    match: { types: [security.violation] }
    notify: { slack: ["#security"], github: ["@waooaw/security"] }
  - name: incidents-critical
    match: { types: [support.incident.*, agent.deploy.failed], agents: ["wow*"], severity: critical }
    notify: { slack: ["#ops"], email: [oncall@waooaw.example] }
    escalate:
      - afterMinutes: 15
        notify: { email: [lead@waooaw.example], github: ["@ada"] }
  - name: everything-else
    match: { types: [support.sla.*, support.incident.*] }
    notify: { slack: ["#ops-quiet"] }
`;

describe('operator alert rules', () => {
  it('Given a rules file, when alerts come in, then each goes to the first rule that takes it, with its escalation levels', () => {
    const parsed = parseAlertRules(rules, 'config/alerts.yml');
    expect(parsed.dedupeMinutes).toBe(5);
    expect(parsed.groupSeconds).toBe(60);
    const critical = routeAlert(parsed, { type: 'support.incident.opened', agent: 'wowsupport', severity: 'critical' });
    expect(critical?.name).toBe('incidents-critical');
    if (critical === undefined) return;
    const rule = critical;
    expect(channelsAt(rule, 0)).toEqual({ slack: ['#ops'], email: ['oncall@waooaw.example'], github: [] });
    expect(channelsAt(rule, 1)).toEqual({ slack: [], email: ['lead@waooaw.example'], github: ['@ada'] });
    expect(channelsAt(rule, 2)).toBeUndefined();
    expect(
      routeAlert(parsed, { type: 'support.incident.opened', agent: 'wowsupport', severity: 'warning' })?.name,
    ).toBe('everything-else');
    expect(routeAlert(parsed, { type: 'support.incident.opened', agent: 'billing', severity: 'critical' })?.name).toBe(
      'everything-else',
    );
    expect(routeAlert(parsed, { type: 'security.violation', agent: 'x', severity: 'info' })?.name).toBe('security');
    expect(routeAlert(parsed, { type: 'github.push', agent: 'x', severity: 'critical' })).toBeUndefined();
  });

  it('Given a broken rules file, when it is read, then every problem is named at its file:line:column', () => {
    const broken = `rules:
  - name: a
    match: { types: [support.incident.*] }
    notify: { slack: ["ops"], email: [not-an-address] }
  - name: a
    match: { types: [Bad Type], severity: loud }
    notify: {}
    escalate:
      - { afterMinutes: 30, notify: {} }
      - { afterMinutes: 10, notify: {} }
    colour: red
`;
    const problems = () => parseAlertRules(broken, 'config/alerts.yml');
    expect(problems).toThrow(/config\/alerts\.yml:4:\d+ rules\[0\]\.notify\.slack\[0\]: a Slack channel/);
    expect(problems).toThrow(/config\/alerts\.yml:4:\d+ rules\[0\]\.notify\.email\[0\]/);
    expect(problems).toThrow(/config\/alerts\.yml:6:\d+ rules\[1\]\.match\.types\[0\]/);
    expect(problems).toThrow(/config\/alerts\.yml:11:\d+ rules\.1\.colour: unknown field/);
    const fixed = broken
      .replace('["ops"]', '["#ops"]')
      .replace('not-an-address', 'ops@x.example')
      .replace('Bad Type', 'a.b');
    const second = () =>
      parseAlertRules(fixed.replace('severity: loud', 'severity: warning').replace('    colour: red\n', ''), 'f.yml');
    expect(second).toThrow(/f\.yml:5:\d+ rules\[1\]\.name: "a" is named twice/);
    expect(second).toThrow(/f\.yml:9:\d+ rules\[1\]\.escalate: levels come later and later/);
  });

  it('refuses an alerts file too large to be a rules file', () => {
    expect(() => parseAlertRules(`# ${'x'.repeat(300 * 1024)}\nrules: []`, 'big.yml')).toThrow(/larger than 256 KiB/);
  });
});
