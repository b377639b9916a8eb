import { describe, expect, it } from 'vitest';
import { masterKeyOf } from '../kms/master-key.ts';
import { createSecretBox } from '../kms/secret-box.ts';

describe('the secret box', () => {
  const box = createSecretBox(async () => masterKeyOf(Buffer.alloc(32, 7)));

  it('seals a secret that opens under its own context only, and holds no plaintext', async () => {
    const sealed = await box.seal('client-secret-value', 'agent wowintegration salesforce');
    expect(Buffer.concat([sealed.sealedDataKey, sealed.sealedValue]).includes('client-secret-value')).toBe(false);
    expect(await box.open(sealed, 'agent wowintegration salesforce')).toBe('client-secret-value');
    await expect(box.open(sealed, 'agent wowsupport salesforce')).rejects.toMatchObject({
      code: 'WOW_ERR_IDENTITY_MASTER_KEY',
    });
  });

  it('refuses a value sealed under another master key, naming both', async () => {
    const sealed = await createSecretBox(async () => masterKeyOf(Buffer.alloc(32, 8))).seal('x', 'c');
    await expect(box.open(sealed, 'c')).rejects.toThrow(/sealed under master key [0-9a-f]{16}, and this process has/);
  });
});
