import { createPublicKey, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdentity, createLogger, isWowError, loadConfig, type Kms } from '#platform';
import { startAwsKmsDouble, type AwsKmsDouble } from '../../../test/doubles/aws-kms.ts';
import { storeBackends, type TestStore } from '../../../test/support/test-stores.ts';
import { createAwsKms } from '../kms/aws-kms.ts';
import { createLocalKms } from '../kms/local-kms.ts';
import { masterKeyOf } from '../kms/master-key.ts';
import { createSecretBox } from '../kms/secret-box.ts';

// The double checks that requests are signed, not with what: any credentials do.
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' };

interface Driver {
  name: string;
  open: () => Promise<{ kms: Kms; close: () => Promise<void> }>;
}

const local: Driver[] = storeBackends('kms').map((backend) => ({
  name: `local on ${backend.name}`,
  open: async () => {
    const test: TestStore = await backend.open();
    const master = masterKeyOf(Buffer.alloc(32, 3));
    return { kms: createLocalKms({ store: test.store, masterKey: async () => master }), close: test.close };
  },
}));

const aws: Driver = {
  name: 'aws on the KMS double',
  open: async () => {
    const double = await startAwsKmsDouble();
    const kms = createAwsKms({
      region: double.region,
      endpoint: double.endpoint,
      credentials,
      deletionWindowDays: 30,
    });
    return {
      kms,
      close: async () => {
        expect(double.violations).toEqual([]);
        await double.close();
      },
    };
  },
};

const verifies = (jwk: object, message: Buffer, signature: Uint8Array) =>
  verify(null, message, createPublicKey({ key: jwk as never, format: 'jwk' }), signature);

describe.each([...local, aws])('the KMS port: $name', (driver) => {
  let kms: Kms;
  let close: () => Promise<void>;
  beforeAll(async () => ({ kms, close } = await driver.open()));
  afterAll(async () => close());

  it('creates an Ed25519 key, gives its public key and signs with it (pure Ed25519, 64 bytes)', async () => {
    const key = await kms.createKey({ label: 'did:web:waooaw.example.com:agents:contract' });
    expect(key.publicKeyJwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.stringMatching(/^[\w-]{43}$/) as string });
    expect(await kms.getPublicKey(key.keyRef)).toEqual(key.publicKeyJwk);
    for (const message of [Buffer.from('h'), Buffer.from('header.payload'), Buffer.alloc(4096, 1)]) {
      const signature = await kms.sign(key.keyRef, message);
      expect(signature).toHaveLength(64);
      expect(verifies(key.publicKeyJwk, message, signature)).toBe(true);
    }
    expect(verifies(key.publicKeyJwk, Buffer.from('other'), await kms.sign(key.keyRef, Buffer.from('one')))).toBe(
      false,
    );
  });

  it('refuses an empty message and one over 4096 bytes, whichever driver, so callers cannot come to depend on one', async () => {
    const key = await kms.createKey({ label: 'big' });
    for (const message of [Buffer.alloc(0), Buffer.alloc(4097)])
      await expect(kms.sign(key.keyRef, message)).rejects.toMatchObject({ code: 'WOW_ERR_KMS_MESSAGE_SIZE' });
  });

  it('refuses keys it does not have, and a retired key never signs again', async () => {
    await expect(
      kms.sign(
        `${kms.driver === 'aws' ? 'arn:aws:kms:eu-west-1:111122223333:key/' : 'local:'}00000000-0000-4000-8000-000000000000`,
        Buffer.from('x'),
      ),
    ).rejects.toMatchObject({
      code: 'WOW_ERR_KMS_KEY_UNUSABLE',
    });
    const key = await kms.createKey({ label: 'retiring' });
    await kms.retireKey(key.keyRef);
    const refused = await kms.sign(key.keyRef, Buffer.from('x')).catch((err: unknown) => err);
    expect(isWowError(refused, 'WOW_ERR_KMS_KEY_UNUSABLE')).toBe(true);
  });
});

describe('the AWS driver against the KMS double', () => {
  let double: AwsKmsDouble;
  beforeAll(async () => (double = await startAwsKmsDouble({ region: 'eu-central-1' })));
  afterAll(async () => double.close());

  it('makes exactly the calls AWS documents, with the fields it documents, and signs JWTs that verify through the DID document', async () => {
    const kms = createAwsKms({
      region: double.region,
      endpoint: double.endpoint,
      credentials,
      deletionWindowDays: 30,
    });
    const test = await storeBackends('kmsaws')[0]?.open();
    if (test === undefined) throw new Error('no PostgreSQL backend');
    try {
      const settings = loadConfig({
        PUBLIC_URL: 'https://waooaw.example.com',
        IDENTITY_KEY_PUBLISH_SECONDS: '0',
        IDENTITY_KEY_GRACE_SECONDS: '60',
      }).identity;
      let now = new Date();
      const identity = await createIdentity({
        settings,
        store: test.store,
        log: createLogger('silent'),
        clock: () => now,
        kms: {
          current: kms,
          driver: () => kms,
          secrets: createSecretBox(async () => masterKeyOf(Buffer.alloc(32, 3))),
        },
      });
      const { did } = await identity.ensure('wowsecurity', { actor: 'test' });
      const jwt = await identity.signJwt(
        'wowsecurity',
        { jti: 'one' },
        { audience: 'did:web:waooaw.example.com', expiresInSeconds: 60 },
      );
      expect(await identity.verifyJwt(jwt, { audience: 'did:web:waooaw.example.com' })).toMatchObject({ issuer: did });
      await identity.rotate('wowsecurity', { actor: 'test', reason: 'contract' });
      now = new Date(now.getTime() + 61_000);
      expect((await identity.retireExpired({ actor: 'test' })).retired).toHaveLength(1);

      expect(double.violations).toEqual([]);
      expect(double.calls.map((c) => c.operation)).toEqual([
        'CreateKey',
        'GetPublicKey',
        'Sign',
        'CreateKey',
        'GetPublicKey',
        'DisableKey',
        'ScheduleKeyDeletion',
      ]);
      const [create, , signCall, , , disable, schedule] = double.calls;
      expect(create?.body).toEqual({
        KeySpec: 'ECC_NIST_EDWARDS25519',
        KeyUsage: 'SIGN_VERIFY',
        Description: `WAOOAW identity key: ${did}`,
        Tags: [{ TagKey: 'waooaw:identity', TagValue: did }],
      });
      const keyArn = [...double.keys.values()][0]?.arn;
      expect(signCall?.body).toEqual({
        KeyId: keyArn,
        Message: Buffer.from(jwt.split('.').slice(0, 2).join('.')).toString('base64'),
        MessageType: 'RAW',
        SigningAlgorithm: 'ED25519_SHA_512',
      });
      expect(disable?.body).toEqual({ KeyId: keyArn });
      expect(schedule?.body).toEqual({ KeyId: keyArn, PendingWindowInDays: 30 });
      expect([...double.keys.values()].map((k) => k.state)).toEqual(['PendingDeletion', 'Enabled']);
    } finally {
      await test.close();
    }
  });

  it('says which key and why when AWS refuses, retryable only when a retry can help', async () => {
    const kms = createAwsKms({
      region: double.region,
      endpoint: double.endpoint,
      credentials,
      deletionWindowDays: 30,
    });
    const missing = 'arn:aws:kms:eu-central-1:111122223333:key/00000000-0000-4000-8000-000000000000';
    const err = await kms.sign(missing, Buffer.from('x')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'WOW_ERR_KMS_KEY_UNUSABLE', retryable: false });
    expect((err as Error).message).toContain(missing);
    expect((err as Error).message).toContain('NotFoundException');

    const unreachable = createAwsKms({
      region: 'eu-central-1',
      endpoint: 'http://127.0.0.1:9',
      credentials,
      deletionWindowDays: 30,
    });
    await expect(unreachable.sign(missing, Buffer.from('x'))).rejects.toMatchObject({
      code: 'WOW_ERR_KMS',
      retryable: true,
    });
  });
});
