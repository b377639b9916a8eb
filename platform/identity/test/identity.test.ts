import { createJWT } from 'did-jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdentity, createLogger, isWowError, loadConfig, type Identity } from '#platform';
import { storeBackends, type TestStore } from '../../../test/support/test-stores.ts';

const masterKey = Buffer.alloc(32, 7).toString('base64');
const settings = (env: Record<string, string> = {}) =>
  loadConfig({ PUBLIC_URL: 'https://waooaw.example.com', IDENTITY_MASTER_KEY: masterKey, ...env }).identity;

/** The reason a verification was refused, or 'verified'. */
async function outcome(identity: Identity, jwt: string, audience = 'did:web:waooaw.example.com'): Promise<string> {
  try {
    await identity.verifyJwt(jwt, { audience });
    return 'verified';
  } catch (err) {
    if (isWowError(err, 'WOW_ERR_JWT_INVALID')) return String(err.data?.reason);
    throw err;
  }
}

const kidOf = (jwt: string) =>
  (JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString()) as { kid?: string }).kid;

const tamper = (jwt: string, part: 0 | 1, change: (json: Record<string, unknown>) => void) => {
  const parts = jwt.split('.');
  const json = JSON.parse(Buffer.from(parts[part] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  change(json);
  parts[part] = Buffer.from(JSON.stringify(json)).toString('base64url');
  return parts.join('.');
};

describe.each(storeBackends('identity'))('identities on $name', (backend) => {
  let test: TestStore;
  let now = new Date('2026-03-01T10:00:00Z');
  let identity: Identity;
  const clock = () => now;
  const platformDid = 'did:web:waooaw.example.com';

  beforeAll(async () => {
    test = await backend.open();
    identity = await createIdentity({
      settings: settings({ IDENTITY_KEY_PUBLISH_SECONDS: '300', IDENTITY_KEY_GRACE_SECONDS: '3600' }),
      store: test.store,
      log: createLogger('silent'),
      clock,
    });
  });
  afterAll(async () => test.close());

  it('gives the platform and an agent a did:web DID whose document lists an Ed25519 key for authentication and assertion', async () => {
    const platform = await identity.ensure('platform', { actor: 'test' });
    const agent = await identity.ensure('wowvision', { actor: 'test' });
    expect(platform).toMatchObject({ did: platformDid, created: true });
    expect(agent).toMatchObject({ did: `${platformDid}:agents:wowvision`, created: true });
    expect(await identity.ensure('wowvision', { actor: 'test' })).toEqual({ ...agent, created: false });

    const doc = await identity.document('wowvision');
    expect(doc).toEqual({
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
      id: agent.did,
      verificationMethod: [
        {
          id: agent.kid,
          type: 'JsonWebKey2020',
          controller: agent.did,
          publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) as string },
        },
      ],
      authentication: [agent.kid],
      assertionMethod: [agent.kid],
    });
    expect(await identity.document('nosuch')).toBeUndefined();
  });

  it('refuses subjects that are neither the platform nor an agent id', async () => {
    for (const subject of ['', 'Platform', '../etc', 'a:b', 'x'.repeat(65)])
      await expect(identity.ensure(subject, { actor: 'test' })).rejects.toMatchObject({
        code: 'WOW_ERR_IDENTITY_SUBJECT',
      });
  });

  it('signs a JWT with the KMS that verifies with every check, and refuses each kind of bad token with its own reason', async () => {
    const jwt = await identity.signJwt(
      'wowvision',
      { sub: 'x', scope: 'read' },
      {
        audience: platformDid,
        expiresInSeconds: 120,
        typ: 'agent-invocation+jwt',
      },
    );
    const verified = await identity.verifyJwt(jwt, { audience: platformDid, typ: 'agent-invocation+jwt' });
    expect(verified).toMatchObject({
      issuer: `${platformDid}:agents:wowvision`,
      payload: { scope: 'read', aud: platformDid, iat: now.getTime() / 1000, exp: now.getTime() / 1000 + 120 },
    });

    expect(
      await outcome(
        identity,
        tamper(jwt, 1, (p) => (p.scope = 'admin')),
      ),
    ).toBe('signature');
    expect(
      await outcome(
        identity,
        tamper(jwt, 0, (h) => (h.typ = 'JWT')),
      ),
    ).toBe('signature');
    expect(await outcome(identity, jwt, 'did:web:someone.else')).toBe('audience');
    await expect(identity.verifyJwt(jwt, { audience: platformDid, typ: 'vc+jwt' })).rejects.toMatchObject({
      data: { reason: 'typ' },
    });
    // Another subject's key named as the signer: not a key of the issuer.
    const platformKid = (await identity.ensure('platform', { actor: 'test' })).kid;
    expect(
      await outcome(
        identity,
        tamper(jwt, 0, (h) => (h.kid = platformKid)),
      ),
    ).toBe('kid');
    expect(
      await outcome(
        identity,
        tamper(jwt, 0, (h) => (h.kid = `${verified.issuer}#nosuchkey`)),
      ),
    ).toBe('kid');
    expect(
      await outcome(
        identity,
        tamper(jwt, 0, (h) => delete h.kid),
      ),
    ).toBe('kid');
    expect(
      await outcome(
        identity,
        tamper(jwt, 0, (h) => (h.alg = 'none')),
      ),
    ).toBe('alg');
    expect(await outcome(identity, 'not.a.jwt')).toBe('malformed');
    expect(await outcome(identity, 'x'.repeat(20_000))).toBe('malformed');

    const later = now;
    now = new Date(later.getTime() + 181_000); // past exp and the 60 s skew
    expect(await outcome(identity, jwt)).toBe('expired');
    now = later;

    // Tokens made outside signJwt, by the same key, without the claims did-jwt leaves optional.
    const kms = identity.kms.current;
    const key = (
      await test.store.query<{ key_ref: string; fragment: string }>(
        "select key_ref, fragment from identity_keys where subject = 'wowvision'",
      )
    ).rows[0];
    const issuer = `${platformDid}:agents:wowvision`;
    const raw = (payload: Record<string, unknown>) =>
      createJWT(
        payload,
        {
          issuer,
          signer: async (data) =>
            Buffer.from(await kms.sign(key?.key_ref ?? '', Buffer.from(data as string))).toString('base64url'),
        },
        { alg: 'EdDSA', kid: `${issuer}#${key?.fragment ?? ''}` },
      );
    const iat = Math.floor(now.getTime() / 1000);
    expect(await outcome(identity, await raw({ aud: platformDid, iat }))).toBe('claims');
    expect(await outcome(identity, await raw({ exp: iat + 60, iat }))).toBe('claims');
    expect(await outcome(identity, await raw({ aud: platformDid, exp: iat + 60, iat: undefined }))).toBe('claims');
    expect(await outcome(identity, await raw({ aud: platformDid, iat: iat + 600, exp: iat + 900 }))).toBe(
      'not_yet_valid',
    );
    expect(await outcome(identity, await raw({ aud: platformDid, iat, exp: iat + 60 }))).toBe('verified');
  });

  it('rotates: the new key is published first, signs after the publish period, and the old one verifies only until its grace ends, then is retired in the KMS', async () => {
    const before = await identity.ensure('wowvision', { actor: 'test' });
    const oldJwt = await identity.signJwt('wowvision', {}, { audience: platformDid, expiresInSeconds: 7200 });
    const rotation = await identity.rotate('wowvision', { actor: 'test', reason: 'drill' });
    expect(rotation.previous.kid).toBe(before.kid);
    expect(rotation.next.signsFrom).toEqual(new Date(now.getTime() + 300_000));
    expect(rotation.previous.verifiesUntil).toEqual(new Date(now.getTime() + 300_000 + 3_600_000));

    // Published, not yet signing: both keys in the document, the old one still signs.
    let doc = await identity.document('wowvision');
    expect(doc?.verificationMethod?.map((m) => m.id)).toEqual([before.kid, rotation.next.kid]);
    expect(doc?.authentication).toEqual([before.kid, rotation.next.kid]);
    const stillOld = await identity.signJwt('wowvision', {}, { audience: platformDid, expiresInSeconds: 60 });
    expect(kidOf(stillOld)).toBe(before.kid);

    // Switched: the new key signs; the old one only verifies (assertionMethod, not authentication).
    now = new Date(now.getTime() + 301_000);
    doc = await identity.document('wowvision');
    expect(doc?.authentication).toEqual([rotation.next.kid]);
    expect(doc?.assertionMethod).toEqual([before.kid, rotation.next.kid]);
    const newJwt = await identity.signJwt('wowvision', {}, { audience: platformDid, expiresInSeconds: 60 });
    expect(kidOf(newJwt)).toBe(rotation.next.kid);
    expect(await outcome(identity, newJwt)).toBe('verified');
    expect(await outcome(identity, oldJwt)).toBe('verified');
    await expect(
      identity.verifyJwt(oldJwt, { audience: platformDid, proofPurpose: 'authentication' }),
    ).rejects.toMatchObject({ data: { reason: 'kid' } });
    expect((await identity.show('wowvision'))?.keys.map((k) => k.state)).toEqual(['verifying', 'active']);

    // Past the grace: out of the document, even before anything retires it, and refused.
    now = new Date(rotation.previous.verifiesUntil.getTime() + 1000);
    expect((await identity.document('wowvision'))?.verificationMethod?.map((m) => m.id)).toEqual([rotation.next.kid]);
    expect(await outcome(identity, oldJwt)).toBe('kid');

    const retired = await identity.retireExpired({ actor: 'test' });
    expect(retired).toEqual({ retired: [before.kid], failed: [] });
    expect(await identity.retireExpired({ actor: 'test' })).toEqual({ retired: [], failed: [] });
    const oldRef = (
      await test.store.query<{ key_ref: string }>(
        "select key_ref from identity_keys where subject = 'wowvision' order by id limit 1",
      )
    ).rows[0]?.key_ref;
    await expect(identity.kms.current.sign(oldRef ?? '', Buffer.from('x'))).rejects.toMatchObject({
      code: 'WOW_ERR_KMS_KEY_UNUSABLE',
    });

    const shown = await identity.show('wowvision');
    expect(shown?.keys.map((k) => k.state)).toEqual(['retired', 'active']);
    expect(shown?.history.map((h) => [h.kid === before.kid ? 'old' : 'new', h.event, h.actor])).toEqual([
      ['old', 'created', 'test'],
      ['old', 'rotated_out', 'test'],
      ['new', 'created', 'test'],
      ['old', 'retired', 'test'],
    ]);
  });

  it('rotates on schedule only the keys past the rotation period, and never when the period is 0', async () => {
    const scheduled = await createIdentity({
      settings: settings({ IDENTITY_ROTATION_SECONDS: '86400', IDENTITY_KEY_PUBLISH_SECONDS: '0' }),
      store: test.store,
      log: createLogger('silent'),
      clock,
    });
    await scheduled.ensure('fresh-agent', { actor: 'test' });
    now = new Date(now.getTime() + 86_400_000 - 60_000);
    await scheduled.ensure('fresher', { actor: 'test' });
    now = new Date(now.getTime() + 120_000);
    const rotated = await scheduled.rotateDue({ actor: 'schedule' });
    expect(rotated.map((r) => r.subject).sort()).toEqual(['fresh-agent', 'platform', 'wowvision']);
    expect(await scheduled.rotateDue({ actor: 'schedule' })).toEqual([]);

    const never = await createIdentity({
      settings: settings({ IDENTITY_ROTATION_SECONDS: '0' }),
      store: test.store,
      log: createLogger('silent'),
      clock,
    });
    now = new Date(now.getTime() + 10 * 86_400_000);
    expect(await never.rotateDue({ actor: 'schedule' })).toEqual([]);
  });

  it('makes one key when several processes ensure a subject at once', async () => {
    const results = await Promise.all(Array.from({ length: 4 }, () => identity.ensure('raced', { actor: 'test' })));
    expect(new Set(results.map((r) => r.kid)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const { rows } = await test.store.query<{ n: string }>(
      "select count(*) as n from identity_local_kms_keys where destroyed_at is null and key_ref in (select key_ref from identity_keys where subject = 'raced')",
    );
    expect(Number(rows[0]?.n)).toBe(1);
  });
});
