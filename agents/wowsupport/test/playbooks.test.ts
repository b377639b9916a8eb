import { describe, expect, it } from 'vitest';
import { loadPlaybooks, parsePlaybook } from '../src/playbooks/load-playbooks.ts';
import { dryRunPlaybook, recordedFixture } from '../src/playbooks/dry-run-playbook.ts';
import { fillTemplate } from '../src/playbooks/fill-template.ts';
import { matchPlaybooks, type Trouble } from '../src/playbooks/run-playbook.ts';

const shipped = async () => {
  const loaded = await loadPlaybooks('playbooks');
  if ('problems' in loaded) throw new Error(loaded.problems.join('\n'));
  return loaded.playbooks;
};

const stats = (n: { reads: number; loads: number; expired: number; evictions?: number }) => ({
  namespaces: [{ namespace: 'slow-agent', evictions: 0, ...n }],
  changes: [],
});

describe('playbooks as data', () => {
  it('loads every shipped playbook, the integration and scaling ones included', async () => {
    const ids = (await shipped()).map((p) => p.playbook.id);
    expect(ids).toEqual([
      'cache-mistuned',
      'dead-letters',
      'failing-after-deploy',
      'integration-credential-expired',
      'lagging-at-max-replicas',
    ]);
  });

  it('names the file, line and field of each problem, a bad condition and an unknown field included', () => {
    const text = [
      'id: broken',
      'title: Broken',
      'trigger: { kind: slowness }',
      'remedies:',
      '  - id: a',
      '    risk: medium',
      '    summary: x',
      '    action: { request: cache.tune }',
      '  - id: b',
      '    risk: low',
      '    when: "diagnosis.cache &&"',
      '    summary: x',
      '    action: { platform: reboot }',
      'extra: 1',
    ].join('\n');
    const parsed = parsePlaybook(text, 'playbooks/broken.yml');
    expect('problems' in parsed && parsed.problems).toEqual([
      expect.stringMatching(/^playbooks\/broken\.yml:3:\d+ trigger\.kind: expected latency, failures or error$/),
      expect.stringMatching(/^playbooks\/broken\.yml:6:\d+ remedies\[0\]\.risk: expected low or high$/),
      expect.stringMatching(/^playbooks\/broken\.yml:13:\d+ remedies\[1\]\.action: expected \{ request/),
      expect.stringMatching(/^playbooks\/broken\.yml:14:1 extra: unknown field/),
    ]);
    const cel = parsePlaybook(
      text.replace('slowness', 'latency').replace('medium', 'low').replace('reboot', 'redrive').replace('extra: 1', ''),
      'b.yml',
    );
    expect('problems' in cel && cel.problems).toEqual([
      expect.stringMatching(/^b\.yml:11:\d+ remedies\[1\]\.when: not a CEL expression/),
    ]);
  });

  it('matches by kind, error code and agent pattern, in the order they are tried', async () => {
    const playbooks = await shipped();
    const ids = (trouble: Trouble) => matchPlaybooks(playbooks, trouble).map((p) => p.id);
    // A latency incident may be a mis-tuned cache or an agent lagging at its maximum: both are tried, in file order.
    expect(ids({ incidentId: 'i', agent: 'slow-agent', kind: 'latency' })).toEqual([
      'cache-mistuned',
      'lagging-at-max-replicas',
    ]);
    // The playbook naming the error's code comes before the one for any error.
    expect(ids({ incidentId: 'i', agent: 'crm', kind: 'error', code: 'WOW_ERR_INTEGRATION_UNAUTHORIZED' })).toEqual([
      'integration-credential-expired',
      'dead-letters',
    ]);
    expect(ids({ incidentId: 'i', agent: 'crm', kind: 'error', code: 'WOW_ERR_OTHER' })).toEqual(['dead-letters']);
    expect(ids({ incidentId: 'i', agent: 'x', kind: 'failures' })).toEqual(['failing-after-deploy']);
  });

  it("fills templates from own properties only, keeping a whole template's type", () => {
    const scope = { agent: 'a', result: { previous: { ttlFactor: 0.5 } } };
    expect(
      fillTemplate({ n: '{{result.previous.ttlFactor}}', s: 'for {{agent}}', p: '{{agent.constructor}}' }, scope),
    ).toEqual({
      n: 0.5,
      s: 'for a',
      p: null,
    });
  });

  it('dry-runs cache-mistuned against recorded figures: a tiny TTL picks the low-risk TTL remedy, healthy figures pick none', async () => {
    const playbook = (await shipped()).find((p) => p.playbook.id === 'cache-mistuned')?.playbook;
    if (playbook === undefined) throw new Error('missing');
    const mistuned = recordedFixture.parse({
      trouble: { agent: 'slow-agent', kind: 'latency' },
      replies: { 'cache.stats': stats({ reads: 400, loads: 390, expired: 380 }) },
    });
    const run = await dryRunPlaybook(playbook, mistuned);
    expect(run.matches).toBe(true);
    expect(run.steps).toEqual([
      expect.objectContaining({
        request: 'cache.stats',
        input: { namespace: 'slow-agent', windowMinutes: 15, changes: 5 },
      }),
    ]);
    expect(run.remedy).toMatchObject({ id: 'lengthen-ttl', risk: 'low', action: 'cache.tune', runs: 'automatically' });
    const healthy = recordedFixture.parse({
      trouble: { agent: 'slow-agent', kind: 'latency' },
      replies: { 'cache.stats': stats({ reads: 400, loads: 10, expired: 5 }) },
    });
    expect((await dryRunPlaybook(playbook, healthy)).remedy).toBeNull();
  });

  it('the failing-after-deploy rollback waits for /approve', async () => {
    const playbook = (await shipped()).find((p) => p.playbook.id === 'failing-after-deploy')?.playbook;
    if (playbook === undefined) throw new Error('missing');
    const run = await dryRunPlaybook(
      playbook,
      recordedFixture.parse({
        trouble: { agent: 'mailer', kind: 'failures' },
        replies: {
          'events.history': { events: [{ type: 'agent.deployed' }] },
          'analytics.health.report': { agents: [] },
        },
      }),
    );
    expect(run.remedy).toMatchObject({
      id: 'rollback',
      risk: 'high',
      action: 'platform rollback',
      runs: 'after /approve',
    });
  });

  it('checks undos: a platform undo undoes its own action only, and the windows are bounded, each at its line', () => {
    const text = [
      'id: undos',
      'title: Undos',
      'trigger: { kind: failures }',
      'remedies:',
      '  - id: back',
      '    risk: high',
      '    summary: x',
      '    action: { platform: rollback }',
      '    undo: { platform: resume }',
      '  - id: again',
      '    risk: low',
      '    summary: x',
      '    action: { platform: redrive }',
      '    undo: { platform: roll-forward }',
      '    verifyWindows: 3',
    ].join('\n');
    const parsed = parsePlaybook(text, 'undos.yml');
    expect('problems' in parsed && parsed.problems).toEqual([
      'undos.yml:9:23 remedies[0].undo.platform: resume undoes only { platform: suspend }',
      'undos.yml:14:23 remedies[1].undo.platform: roll-forward undoes only { platform: rollback }',
    ]);
    const fixed = parsePlaybook(
      text.replace('undo: { platform: resume }', 'undo: { platform: roll-forward }'),
      'u.yml',
    );
    expect('problems' in fixed && fixed.problems).toEqual([
      'u.yml:14:23 remedies[1].undo.platform: roll-forward undoes only { platform: rollback }',
    ]);
    const windows = parsePlaybook(text.replace('verifyWindows: 3', 'verifyWindows: 30'), 'w.yml');
    expect('problems' in windows && windows.problems).toContainEqual(
      expect.stringMatching(/^w\.yml:15:\d+ remedies\[1\]\.verifyWindows: /),
    );
    const shapes = parsePlaybook(text.replace('undo: { platform: resume }', 'undo: { platform: reboot }'), 's.yml');
    expect('problems' in shapes && shapes.problems[0]).toMatch(
      /^s\.yml:9:\d+ remedies\[0\]\.undo: expected \{ request/,
    );
  });

  it('dry-runs the windows after a remedy: recovery closes, no recovery undoes from the recorded result, none undoes a redrive', async () => {
    const playbooks = await shipped();
    const cache = playbooks.find((p) => p.playbook.id === 'cache-mistuned')?.playbook;
    const dead = playbooks.find((p) => p.playbook.id === 'dead-letters')?.playbook;
    if (cache === undefined || dead === undefined) throw new Error('missing');
    const recorded = (windows: string[]) =>
      recordedFixture.parse({
        trouble: { agent: 'slow-agent', kind: 'latency' },
        replies: { 'cache.stats': stats({ reads: 400, loads: 390, expired: 380 }) },
        after: { result: { previous: { ttlFactor: 0.05, l1MaxEntries: 900 } }, windows },
      });
    expect((await dryRunPlaybook(cache, recorded(['regressed', 'healthy', 'healthy']))).verification).toMatchObject({
      verdict: { verdict: 'recovered', window: 3 },
      undo: null,
      then: 'the incident closes: the remedy helped',
    });
    expect((await dryRunPlaybook(cache, recorded(['healthy', 'regressed']))).verification).toMatchObject({
      verdict: { verdict: 'pending' },
    });
    expect((await dryRunPlaybook(cache, recorded(['regressed', 'unknown', 'unknown']))).verification).toEqual({
      windows: ['regressed', 'unknown', 'unknown'],
      verifyWindows: 3,
      verdict: { verdict: 'unrecovered', window: 3 },
      undo: {
        action: 'cache.tune',
        input: {
          namespace: 'slow-agent',
          ttlFactor: 0.05,
          l1MaxEntries: 900,
          reason: 'playbook cache-mistuned: undone, the agent did not recover',
        },
      },
      then: 'the remedy is undone, and the incident escalates to L3',
    });
    const redrive = await dryRunPlaybook(
      dead,
      recordedFixture.parse({
        trouble: { agent: 'mailer', kind: 'error', code: 'WOW_ERR_SMTP' },
        replies: { 'analytics.health.report': { agents: [{ id: 'mailer', incident: null }] }, 'events.history': {} },
        after: { windows: ['regressed', 'regressed', 'regressed'] },
      }),
    );
    expect(redrive.remedy).toMatchObject({ id: 'redrive', action: 'platform redrive' });
    expect(redrive.verification).toMatchObject({
      undo: null,
      then: 'nothing undoes it, and the incident escalates to L3',
    });
  });
});
