import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wow } from '../../test/support/run-wow.ts';

describe('wow playbooks', () => {
  it('lists the shipped playbooks, as text or JSON', async () => {
    const text = await wow(['playbooks', 'list']);
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout).toContain('failing-after-deploy');
    expect(text.stdout).toContain('rollback (high)');
    const json = await wow(['playbooks', 'list', '--json']);
    expect((JSON.parse(json.stdout) as { playbook: { id: string } }[]).map((p) => p.playbook.id)).toContain(
      'cache-mistuned',
    );
  });

  it('dry-runs a playbook against a recording, printing the requests and the remedy it would run', async () => {
    const run = await wow([
      'playbooks',
      'test',
      'playbooks/cache-mistuned.yml',
      '--recorded',
      'test/fixtures/playbooks/cache-mistuned.json',
      '--json',
    ]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      playbook: 'cache-mistuned',
      matches: true,
      steps: [{ id: 'cache', request: 'cache.stats', input: { namespace: 'slow-agent' }, result: { ok: true } }],
      remedy: { id: 'lengthen-ttl', risk: 'low', runs: 'automatically' },
    });
  });

  it('shows the verification and the undo where the recorded windows say the remedy did not help', async () => {
    const run = await wow([
      'playbooks',
      'test',
      'playbooks/cache-mistuned.yml',
      '--recorded',
      'test/fixtures/playbooks/cache-mistuned-unrecovered.json',
    ]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('verify over 3 window(s): regressed, healthy, regressed → not recovered at window 3');
    expect(run.stdout).toContain('undo: cache.tune {"namespace":"slow-agent","ttlFactor":0.05,"l1MaxEntries":1000');
    expect(run.stdout).toContain('then the remedy is undone, and the incident escalates to L3');
  });

  it('names the file and line of a broken playbook (exit 1) and refuses a bad recording (exit 2)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wow-playbooks-'));
    await writeFile(
      join(dir, 'bad.yml'),
      'id: bad\ntitle: Bad\ntrigger: { kind: latency }\nremedies:\n  - id: x\n    risk: maybe\n',
    );
    const bad = await wow(['playbooks', 'test', join(dir, 'bad.yml')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/bad\.yml:6:\d+ remedies\[0\]\.risk: expected low or high/);
    await writeFile(join(dir, 'rec.json'), '{ "trouble": { "agent": "Bad Agent", "kind": "latency" } }');
    const rec = await wow(['playbooks', 'test', 'playbooks/cache-mistuned.yml', '--recorded', join(dir, 'rec.json')]);
    expect(rec.code).toBe(2);
    expect(rec.stderr).toContain('--recorded trouble.agent');
  });
});
