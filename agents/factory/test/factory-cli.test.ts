import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { wow } from '../../../test/support/run-wow.ts';

const dir = await mkdtemp(join(tmpdir(), 'factory-cli-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const body = (id: string) =>
  `### Agent id\n\n${id}\n\n### Agent name\n\n` +
  'Digest\n\n### Tier / domain\n\nMarketing\n\n### Purpose and responsibilities\n\nSends a weekly digest.\n\n' +
  '### Events that wake it\n\ngithub.push\n\n### Events it emits\n\ndigest.week.sent\n\n' +
  '### Capabilities it needs\n\n- [X] llm:complete\n\n### Service level (response target)\n\nbest effort\n\n' +
  '### Acceptance examples\n\nGiven a week of pushes\nWhen Monday comes\nThen it emits digest.week.sent\n';

describe('wow factory', () => {
  it('validate: exit 0 and a summary for a valid body, exit 1 and every problem for an invalid one, --json for scripts', async () => {
    await writeFile(join(dir, 'ok.md'), body('weekly-digest'));
    await writeFile(join(dir, 'bad.md'), body('Weekly Digest'));
    const ok = await wow(['factory', 'validate', join(dir, 'ok.md')]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('a valid request for agents/weekly-digest/ (Marketing, 1 acceptance example(s))');
    const bad = await wow(['factory', 'validate', join(dir, 'bad.md')]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('✖ Agent id: "Weekly Digest" is not a valid id');
    const json = await wow(['factory', 'validate', '--json', join(dir, 'bad.md')]);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: false, problems: [{ field: 'agent-id' }] });
    const missing = await wow(['factory', 'validate', join(dir, 'nope.md')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
  });

  it('form --check: the committed issue form is in step with the questionnaire', async () => {
    const run = await wow(['factory', 'form', '--check']);
    expect(run.code).toBe(0);
  });
});
