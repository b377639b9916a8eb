import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { wow } from '../../test/support/run-wow.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
let dir: string | undefined;
afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A checkout with this repository's support model and one agent using its events. */
async function checkout(): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), 'wow-domain-'));
  await mkdir(join(dir, 'domains/support'), { recursive: true });
  await cp(join(root, 'domains/support/model.yml'), join(dir, 'domains/support/model.yml'));
  await mkdir(join(dir, 'agents/notifier'), { recursive: true });
  await writeFile(
    join(dir, 'agents/notifier/agent.yml'),
    'id: notifier\nname: Notifier\nversion: 1.0.0\ndescription: Tells people.\nwakesOn: [support.ticket.*]\nemits: [notice.sent]\n',
  );
  return dir;
}

describe('wow domain', () => {
  it('check passes this repository: every model loads, every declared event is described, the pages match', async () => {
    const run = await wow(['domain', 'check', '-C', root]);
    expect(run.stdout).toContain('✔ support (domains/support/model.yml)');
    expect(run.stdout).toContain('The domain models are in order.');
    expect(run.code).toBe(0);
    const json = JSON.parse((await wow(['domain', 'check', '--json', '-C', root])).stdout) as {
      models: { name: string }[];
      undescribed: unknown[];
    };
    expect(json.models.map((m) => m.name)).toEqual(['commerce', 'customer', 'platform', 'support']);
    expect(json.undescribed).toEqual([]);
  });

  it('check names an undescribed event, a model problem with its line, and a stale page; exit code 1', async () => {
    const at = await checkout();
    const undescribed = await wow(['domain', 'check', '--json', '-C', at]);
    expect(undescribed.code).toBe(1);
    expect(JSON.parse(undescribed.stdout)).toMatchObject({
      problems: [],
      undescribed: [{ by: 'agent:notifier', field: 'emits', type: 'notice.sent' }],
      staleDocs: ['docs/domains/support.md'],
    });
    expect((await wow(['domain', 'docs', '-C', at])).stdout).toBe('✔ wrote docs/domains/support.md\n');
    expect((await wow(['domain', 'docs', '--check', '-C', at])).code).toBe(0);

    const model = await readFile(join(at, 'domains/support/model.yml'), 'utf8');
    await writeFile(join(at, 'domains/support/model.yml'), model.replace('    version: 1\n', '    version: one\n'));
    const broken = await wow(['domain', 'check', '-C', at]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(
      /✖ .*domains\/support\/model\.yml:\d+:\d+ events\[0\]\.version: expected a whole number from 1/,
    );
    expect((await wow(['domain', 'docs', '--check', '-C', at])).code).toBe(1);
  });

  it('show prints a model, as JSON with its schemas, and refuses an unknown name', async () => {
    const text = await wow(['domain', 'show', 'support', '-C', root]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('support.ticket.opened v1 (requires ticketId, messageId)');
    expect(text.stdout).toContain('Ticket: One customer problem');
    const json = JSON.parse((await wow(['domain', 'show', 'platform', '--json', '-C', root])).stdout) as {
      events: { type: string; data: unknown }[];
    };
    expect(json.events.find((e) => e.type === 'domain.model.changed')?.data).toMatchObject({ type: 'object' });
    const unknown = await wow(['domain', 'show', 'billing', '-C', root]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(
      'wow domain show: no domain model "billing"; the models are commerce, customer, platform, support\n',
    );
  });
});
