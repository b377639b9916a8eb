import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { snapshotFromTarball } from '../src/index.ts';
import { tempRepo, type TempRepo } from './support/temp-repo.ts';

const exec = promisify(execFile);
let repo: TempRepo | undefined;
afterEach(async () => repo?.dispose());

/** The tarball GitHub would serve for HEAD (`git archive`, as the GitHub double builds it). */
async function tarballOf(files: Record<string, string>): Promise<Buffer> {
  repo = await tempRepo(files);
  return (
    await exec('git', ['archive', '--format=tar.gz', '--prefix=acme-shop-0000000/', 'HEAD'], {
      cwd: repo.dir,
      encoding: 'buffer',
      maxBuffer: 1 << 28,
    })
  ).stdout;
}

/** The tarball as a download that arrives in 16 KiB chunks and counts what was read. */
function download(bytes: Buffer): { chunks: AsyncIterable<Uint8Array>; read: () => number } {
  let read = 0;
  return {
    read: () => read,
    chunks: (async function* () {
      for (let at = 0; at < bytes.length; at += 16 * 1024) {
        const chunk = bytes.subarray(at, at + 16 * 1024);
        read += chunk.length;
        yield chunk;
      }
    })(),
  };
}

const roomy = { maxBytes: 64 * 1024 * 1024, maxFiles: 1000, maxFileBytes: 8 * 1024 * 1024 };

describe('the head commit as a tarball', () => {
  it('keeps every regular file under its path, with git blob ids, whether it arrives whole or in chunks', async () => {
    const long = `deep/${'d'.repeat(120)}/file.ts`;
    const tarball = await tarballOf({ 'a.ts': 'export const a = 1;\n', [long]: 'export {};\n', 'empty.txt': '' });
    const whole = await snapshotFromTarball(tarball);
    const streamed = await snapshotFromTarball(download(tarball).chunks, roomy);
    expect([...streamed.blobs.keys()].sort()).toEqual(['a.ts', long, 'empty.txt']);
    expect(streamed.blobs).toEqual(whole.blobs);
    expect(streamed.blobs.get('a.ts')).toBe((await repo?.git('rev-parse', 'HEAD:a.ts'))?.trim());
    expect(await streamed.read(long)).toBe('export {};\n');
  });

  it('stops reading the download at the byte cap instead of buffering it first', async () => {
    const tarball = await tarballOf({ 'noise.txt': randomBytes(512 * 1024).toString('base64') });
    const source = download(tarball);
    await expect(snapshotFromTarball(source.chunks, { ...roomy, maxBytes: 100 * 1024 })).rejects.toMatchObject({
      code: 'WOW_ERR_VISION_TOO_LARGE',
      message:
        "the head commit's tarball is larger than 102,400 bytes (100 KiB), " +
        'the cap WOWVISION_TARBALL_MAX_BYTES of this WowVision server. ' +
        'Its operator can raise WOWVISION_TARBALL_MAX_BYTES; ' +
        'the WowVision Action and `wow review` read a checkout and have no such cap.',
    });
    expect(source.read()).toBeLessThan(100 * 1024 + 16 * 1024 + 1);
    expect(source.read()).toBeLessThan(tarball.length);
  });

  it('refuses more files than the file cap, and one file over the per-file cap, saying which', async () => {
    const many = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i}.ts`, `export const f${i} = ${i};\n`]));
    await expect(snapshotFromTarball(await tarballOf(many), { ...roomy, maxFiles: 10 })).rejects.toMatchObject({
      code: 'WOW_ERR_VISION_TOO_LARGE',
      message:
        'the head commit holds more than 10 files, the cap WOWVISION_TARBALL_MAX_FILES of this WowVision server. ' +
        'Its operator can raise WOWVISION_TARBALL_MAX_FILES; ' +
        'the WowVision Action and `wow review` read a checkout and have no such cap.',
    });
    await repo?.dispose();
    await expect(
      snapshotFromTarball(await tarballOf({ 'small.ts': 'export {};\n', 'big/data.json': 'x'.repeat(300 * 1024) }), {
        ...roomy,
        maxFileBytes: 256 * 1024,
      }),
    ).rejects.toMatchObject({
      code: 'WOW_ERR_VISION_TOO_LARGE',
      message:
        '`big/data.json` is 307,200 bytes, over 262,144 bytes (256 KiB), ' +
        'the cap WOWVISION_FILE_MAX_BYTES of this WowVision server. Its operator can raise WOWVISION_FILE_MAX_BYTES; ' +
        'the WowVision Action and `wow review` read a checkout and have no such cap.',
    });
  });
});
