import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../log/logger.ts';
import { createError } from '../errors.ts';

export interface MasterKey {
  key: Buffer;
  /** The first 16 hex digits of its SHA-256: recorded with each key it seals, safe to print. */
  id: string;
}

/** Where the embedded defaults keep a generated master key. */
export const masterKeyFile = 'identity-master.key';

export const masterKeyOf = (key: Buffer): MasterKey => ({
  key,
  id: createHash('sha256').update(key).digest('hex').slice(0, 16),
});

/**
 * The local KMS's master key: IDENTITY_MASTER_KEY when set (config has checked it is 32
 * bytes). Otherwise the one in DATA_DIR, generated on first use with mode 0600, and said
 * in the log: it suits one host, and a deployment of several must set IDENTITY_MASTER_KEY,
 * or each host seals keys the others cannot open. A file others may read is refused, as ssh
 * refuses a private key others may read.
 */
export async function loadMasterKey(opts: {
  configured: Buffer | undefined;
  dataDir: string;
  log: Logger;
}): Promise<MasterKey> {
  if (opts.configured !== undefined) return masterKeyOf(opts.configured);
  const path = join(opts.dataDir, masterKeyFile);
  const existing = await stat(path).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  });
  if (existing === undefined) {
    await mkdir(opts.dataDir, { recursive: true });
    const key = randomBytes(32);
    // Written aside, then linked into place: link fails if the name exists, so two processes
    // starting together never each keep a key, and no process reads a half-written file.
    const aside = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(aside, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    const linked = await link(aside, path).then(
      () => true,
      (err: unknown) => {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw err;
      },
    );
    await unlink(aside);
    if (linked) {
      const master = masterKeyOf(key);
      opts.log.warn(
        { file: path, masterKeyId: master.id },
        `identity: generated a master key for the local KMS in ${path} (mode 0600). It suits one host; set IDENTITY_MASTER_KEY (32 random bytes, base64) in a deployment, the same in every process, and keep a copy: without it no key it sealed can sign`,
      );
      return master;
    }
  } else if ((existing.mode & 0o077) !== 0) {
    throw createError('WOW_ERR_IDENTITY_MASTER_KEY', {
      problem: `${path} may be read by other users (mode ${(existing.mode & 0o777).toString(8)}); run \`chmod 600 ${path}\``,
    });
  }
  const text = (await readFile(path, 'utf8')).trim();
  const key = Buffer.from(text, 'base64');
  if (key.length !== 32 || key.toString('base64') !== text)
    throw createError('WOW_ERR_IDENTITY_MASTER_KEY', {
      problem: `${path} does not hold 32 bytes in base64; restore it from your copy, or set IDENTITY_MASTER_KEY`,
    });
  return masterKeyOf(key);
}
