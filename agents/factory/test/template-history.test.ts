import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { templateAtVersion } from '../src/generate/template-history.ts';

describe('an old template version outside git', () => {
  let dir: string;
  beforeAll(async () => {
    // A copy of the templates in a folder no git repository holds: only the current version exists.
    dir = await mkdtemp(join(tmpdir(), 'wow-templates-'));
    await cp(fileURLToPath(new URL('../../../templates/agents', import.meta.url)), dir, { recursive: true });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is WOW_ERR_FACTORY_HISTORY, naming the template and version but never the server’s path', async () => {
    const err = await templateAtVersion(dir, 'platform-coe', 1).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'WOW_ERR_FACTORY_HISTORY' });
    const { message } = err as Error;
    expect(message).toContain('Template platform-coe version 1');
    expect(message).toContain('the templates folder is not in a git repository');
    expect(message).not.toContain(dir);
  });
});
