import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wow } from '../../test/support/run-wow.ts';
import { writeAgent } from '../../test/support/agent-checkout.ts';

const answerer = (id: string) => ({
  'agent.yml': `id: ${id}\nname: ${id}\nversion: 1.0.0\ndescription: Answers.\nwakesOn: [test.echo.asked]\nanswers:\n  test.echo.asked: { timeoutMs: 500 }\n`,
});

describe('wow protocols', () => {
  it('has --help naming its exit codes', async () => {
    const run = await wow(['protocols', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout.replace(/\s+/g, ' ')).toContain('Exit codes: 0 done, 1 a finding (a type two agents answer)');
  });

  it("maps this repository's requests: who answers each on which terms, who asks it", async () => {
    const run = await wow(['protocols']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain(
      'search.articles\n  answered by: wowsearch (timeout 10000 ms, at most 30000; 16 in flight, 64 queued)\n  asked by:    wowsupport\n',
    );
    const json = await wow(['protocols', '--json']);
    const map = JSON.parse(json.stdout) as { protocols: { type: string; askedBy: string[] }[]; findings: unknown[] };
    expect(map.protocols.find((p) => p.type === 'analytics.health.report')?.askedBy).toEqual(['wowsupport']);
    expect(map.findings).toEqual([]);
  });

  it('exits 1 when two agents answer one type, saying so', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wow-protocols-'));
    try {
      await writeAgent(dir, 'echo-a', answerer('echo-a'));
      await writeAgent(dir, 'echo-b', answerer('echo-b'));
      const run = await wow(['protocols', '-C', dir]);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('✖ echo-a and echo-b all answer test.echo.asked');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
