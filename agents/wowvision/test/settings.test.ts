import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { isWowError, readAgentSettings } from '#platform';
import wowvision from '../src/index.ts';

describe("WowVision's settings", () => {
  const schema = wowvision.settings;
  if (schema === undefined) throw new Error('WowVision declares its settings');

  it('reads its caps from its own WOWVISION_* variables, with the defaults when unset', () => {
    expect(readAgentSettings('wowvision', schema, {})).toEqual({
      tarballMaxBytes: 100 * 1024 ** 2,
      tarballMaxFiles: 50_000,
      fileMaxBytes: 10 * 1024 ** 2,
    });
    expect(
      readAgentSettings('wowvision', schema, {
        WOWVISION_TARBALL_MAX_BYTES: '65536',
        WOWVISION_FILE_MAX_BYTES: '2048',
      }),
    ).toMatchObject({ tarballMaxBytes: 65_536, fileMaxBytes: 2048 });
  });

  it('has each of its variables documented in .env.example', async () => {
    const example = await readFile(new URL('../../../.env.example', import.meta.url), 'utf8');
    for (const name of ['WOWVISION_TARBALL_MAX_BYTES', 'WOWVISION_TARBALL_MAX_FILES', 'WOWVISION_FILE_MAX_BYTES'])
      expect(example).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
  });

  it('refuses a cap that is not a positive whole number, naming the variable', () => {
    const err: unknown = (() => {
      try {
        return readAgentSettings('wowvision', schema, { WOWVISION_TARBALL_MAX_FILES: 'many' });
      } catch (e) {
        return e;
      }
    })();
    expect(isWowError(err, 'WOW_ERR_CONFIG')).toBe(true);
    expect((err as Error).message).toContain('WOWVISION_TARBALL_MAX_FILES');
  });
});
