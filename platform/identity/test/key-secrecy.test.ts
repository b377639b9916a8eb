import { execFile } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdentity, loadConfig, serializeError, type Identity } from '#platform';
import { storeBackends, type TestStore } from '../../../test/support/test-stores.ts';
import { createLocalKms } from '../kms/local-kms.ts';
import { loadMasterKey, masterKeyOf } from '../kms/master-key.ts';
import { open } from '../kms/seal.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Every spelling of `bytes` a log line or an error could carry it in. */
const spellings = (bytes: Buffer) =>
  [bytes.toString('hex'), bytes.toString('base64'), bytes.toString('base64url')].filter((s) => s.length >= 16);

describe.each(storeBackends('key_secrecy'))('private key material on $name', (backend) => {
  let test: TestStore;
  let dataDir: string;
  let identity: Identity;
  const lines: string[] = [];
  const errors: string[] = [];
  let now = new Date('2026-05-01T00:00:00Z');

  beforeAll(async () => {
    test = await backend.open();
    dataDir = await mkdtemp(join(tmpdir(), 'wow-key-secrecy-'));
    const capture = new Writable({
      write: (chunk: Buffer, _e, done) => {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    identity = await createIdentity({
      settings: loadConfig({
        DATA_DIR: dataDir,
        PUBLIC_URL: 'https://waooaw.example.com',
        IDENTITY_KEY_PUBLISH_SECONDS: '0',
        IDENTITY_KEY_GRACE_SECONDS: '60',
      }).identity,
      store: test.store,
      log: pino({ level: 'trace' }, capture),
      clock: () => now,
    });
  });
  afterAll(async () => {
    await test.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('never appears in the logs, in errors, in the database unsealed, or in what git would commit', async () => {
    const keep = (err: unknown) => void errors.push(JSON.stringify(serializeError(err)), String((err as Error).stack));
    await identity.ensure('platform', { actor: 'test' });
    await identity.ensure('wowsecurity', { actor: 'test' });
    await identity.signJwt('wowsecurity', { jti: '1' }, { audience: 'did:web:x', expiresInSeconds: 60 });
    await identity.rotate('wowsecurity', { actor: 'test', reason: 'test' });
    await identity.signJwt('wowsecurity', {}, { audience: 'did:web:x', expiresInSeconds: 60 }).catch(keep);
    await identity.verifyJwt('e30.e30.AAAA', { audience: 'did:web:x' }).catch(keep);
    now = new Date(now.getTime() + 120_000);
    await identity.retireExpired({ actor: 'test' });
    // Failures that touch the keys: a retired key, a tampered sealed value, another master key.
    const refOf = async (where: string) =>
      (
        await test.store.query<{ key_ref: string }>(
          `select key_ref from identity_local_kms_keys where ${where} limit 1`,
        )
      ).rows[0]?.key_ref ?? '';
    const retired = await refOf('destroyed_at is not null');
    const current = await refOf('destroyed_at is null');
    await identity.kms.current.sign(retired, Buffer.from('x')).catch(keep);
    const other = createLocalKms({ store: test.store, masterKey: async () => masterKeyOf(Buffer.alloc(32, 1)) });
    await other.sign(current, Buffer.from('x')).catch(keep);
    expect(errors.join('\n')).toContain('WOW_ERR_IDENTITY_MASTER_KEY');

    // What must never leak: each private key as it is opened, and the master key.
    const master = await loadMasterKey({ configured: undefined, dataDir, log: pino({ level: 'silent' }) });
    const secrets: string[] = spellings(master.key);
    const sealed = await test.store.query<{
      key_ref: string;
      sealed_data_key: Buffer | null;
      sealed_private_key: Buffer | null;
    }>('select key_ref, sealed_data_key, sealed_private_key from identity_local_kms_keys');
    let opened = 0;
    for (const row of sealed.rows) {
      if (row.sealed_data_key === null || row.sealed_private_key === null) continue;
      const dataKey = open(master.key, row.sealed_data_key, `waooaw identity_local_kms_keys ${row.key_ref} data key`);
      const pkcs8 = open(dataKey, row.sealed_private_key, `waooaw identity_local_kms_keys ${row.key_ref} private key`);
      const seed = Buffer.from(
        createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ format: 'jwk' }).d ?? '',
        'base64url',
      );
      secrets.push(...spellings(pkcs8), ...spellings(seed), ...spellings(dataKey));
      opened++;
    }
    expect(opened).toBeGreaterThanOrEqual(2);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).toContain('generated a master key');
    const seen = [...lines, ...errors].join('\n');
    for (const secret of secrets) expect(seen.includes(secret), 'a key in the logs or errors').toBe(false);

    // Stored only sealed: no row of any identity table holds a key in the clear.
    const dump =
      JSON.stringify(
        (await test.store.query('select row_to_json(t)::text as r from (select * from identity_local_kms_keys) t'))
          .rows,
      ) + JSON.stringify((await test.store.query('select * from identity_keys')).rows);
    for (const secret of secrets) expect(dump.includes(secret)).toBe(false);

    // The generated master key lives where git ignores it.
    const ignored = await promisify(execFile)('git', ['check-ignore', '-q', '.data/identity-master.key'], {
      cwd: root,
    }).then(
      () => true,
      () => false,
    );
    expect(ignored).toBe(true);
  });
});

describe('the master key file', () => {
  let dir: string;
  const log = pino({ level: 'silent' });
  beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'wow-master-key-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('is generated once even when processes start together, and the configured key wins over it', async () => {
    const keys = await Promise.all(
      Array.from({ length: 5 }, () => loadMasterKey({ configured: undefined, dataDir: dir, log })),
    );
    expect(new Set(keys.map((k) => k.id)).size).toBe(1);
    const configured = Buffer.alloc(32, 5);
    expect((await loadMasterKey({ configured, dataDir: dir, log })).id).toBe(masterKeyOf(configured).id);
  });

  it('is refused when others may read it, or when it is not 32 bytes of base64', async () => {
    const path = join(dir, 'identity-master.key');
    await chmod(path, 0o644);
    await expect(loadMasterKey({ configured: undefined, dataDir: dir, log })).rejects.toMatchObject({
      code: 'WOW_ERR_IDENTITY_MASTER_KEY',
      message: expect.stringContaining('chmod 600') as string,
    });
    await writeFile(path, 'c2hvcnQ=\n', { mode: 0o600 });
    await chmod(path, 0o600);
    await expect(loadMasterKey({ configured: undefined, dataDir: dir, log })).rejects.toMatchObject({
      code: 'WOW_ERR_IDENTITY_MASTER_KEY',
    });
  });

  it('is checked in configuration: IDENTITY_MASTER_KEY must be 32 bytes of base64, and is never echoed', () => {
    expect(() => loadConfig({ IDENTITY_MASTER_KEY: 'dG9vIHNob3J0' })).toThrow(
      /IDENTITY_MASTER_KEY: expected 32 random bytes in base64 .*; the value given does not match/,
    );
    expect(() => loadConfig({ IDENTITY_KMS: 'aws' })).toThrow(/IDENTITY_AWS_REGION/);
    for (const url of ['https://10.0.0.1', 'https://example.com/waooaw', 'https://u:p@example.com'])
      expect(() => loadConfig({ PUBLIC_URL: url }), url).toThrow(/PUBLIC_URL/);
  });
});
