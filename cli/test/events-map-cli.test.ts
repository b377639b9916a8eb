import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { talkMapEnd, talkMapStart } from '#platform';
import { wow } from '../../test/support/run-wow.ts';

// WowEvent's test chain: chain-b asks chain-a chain.count.ask, chain-a sends chain-b chain.step.one.
// Linked, not copied: their code imports #platform, which resolves from where the files really are.
const chain = fileURLToPath(new URL('../../test/fixtures/chain-agents', import.meta.url));

describe('wow events map', () => {
  it("keeps docs/architecture.md's who-talks-to-whom in step with this repository's manifests", async () => {
    const run = await wow(['events', 'map', '--check', 'docs/architecture.md']);
    expect(run).toMatchObject({ code: 0, stdout: '✔ docs/architecture.md: the map is in step with the manifests\n' });
  });

  it('draws requests dashed and events solid, updates a stale page, and fails --check until then', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wow-map-'));
    try {
      await symlink(chain, join(dir, 'agents'));
      const page = join(dir, 'page.md');
      await writeFile(page, `# Page\n\n${talkMapStart}\nold\n${talkMapEnd}\n\nAfter.\n`);
      const stale = await wow(['events', 'map', '-C', dir, '--check', 'page.md']);
      expect(stale.code).toBe(1);
      expect(stale.stderr).toContain('run: wow events map --update page.md');
      expect(await wow(['events', 'map', '-C', dir, '--update', 'page.md'])).toMatchObject({ code: 0 });
      const text = await readFile(page, 'utf8');
      expect(text).toContain('  agent_chain_b -.->|"chain.count.ask"| agent_chain_a\n');
      expect(text).toContain('  agent_chain_a -->|"chain.step.one"| agent_chain_b\n');
      expect(text).toContain('| chain-b | request | `chain.count.ask` | chain-a |\n');
      expect(text).toContain('| chain-a | event | `chain.step.one` | chain-b |\n');
      expect(text.startsWith('# Page\n\n')).toBe(true);
      expect(text.endsWith(`${talkMapEnd}\n\nAfter.\n`)).toBe(true);
      expect(await wow(['events', 'map', '-C', dir, '--check', 'page.md'])).toMatchObject({ code: 0 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a page without the markers, naming the lines to add', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wow-map-'));
    try {
      await mkdir(join(dir, 'agents'));
      await writeFile(join(dir, 'page.md'), '# Nothing here\n');
      const run = await wow(['events', 'map', '-C', dir, '--update', 'page.md']);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(talkMapStart);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
