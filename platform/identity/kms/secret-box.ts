import { randomBytes } from 'node:crypto';
import { createError } from '../errors.ts';
import type { MasterKey } from './master-key.ts';
import { open, seal } from './seal.ts';

/**
 * Secrets other than signing keys (an outside API's client secret and tokens), sealed as
 * the local KMS seals its private keys: each value under a data key of its own, the data
 * key under the master key. `context` says whose secret it is and is bound to both seals,
 * so a sealed value copied to another row, or asked for under another name, does not open.
 */
export interface SecretBox {
  seal(plaintext: string, context: string): Promise<SealedSecret>;
  open(sealed: SealedSecret, context: string): Promise<string>;
}

/** What is stored: never the plaintext, never a key. */
export interface SealedSecret {
  /** The master key it was sealed under (a hash prefix, safe to print). */
  masterKeyId: string;
  sealedDataKey: Buffer;
  sealedValue: Buffer;
}

const dataKeyContext = (context: string) => `waooaw secret ${context} data key`;
const valueContext = (context: string) => `waooaw secret ${context} value`;

export function createSecretBox(masterKey: () => Promise<MasterKey>): SecretBox {
  return {
    async seal(plaintext, context) {
      const { key, id } = await masterKey();
      const dataKey = randomBytes(32);
      return {
        masterKeyId: id,
        sealedDataKey: seal(key, dataKey, dataKeyContext(context)),
        sealedValue: seal(dataKey, Buffer.from(plaintext, 'utf8'), valueContext(context)),
      };
    },
    async open(sealed, context) {
      const { key, id } = await masterKey();
      if (sealed.masterKeyId !== id)
        throw createError('WOW_ERR_IDENTITY_MASTER_KEY', {
          problem: `the secret "${context}" was sealed under master key ${sealed.masterKeyId}, and this process has ${id}. Set IDENTITY_MASTER_KEY to the same value in every process`,
        });
      try {
        const dataKey = open(key, sealed.sealedDataKey, dataKeyContext(context));
        return open(dataKey, sealed.sealedValue, valueContext(context)).toString('utf8');
      } catch {
        // OpenSSL's words about bytes would not help; which secret would.
        throw createError('WOW_ERR_IDENTITY_MASTER_KEY', {
          problem: `the secret "${context}" does not open under this master key (changed, or copied from another row); seal it again`,
        });
      }
    },
  };
}

/** One agent's part of the box: its id bound to every seal with the secret's name, so no other agent opens it. */
export function agentSecretBox(box: SecretBox, agentId: string): SecretBox {
  return {
    seal: (plaintext, name) => box.seal(plaintext, `agent ${agentId} ${name}`),
    open: (sealed, name) => box.open(sealed, `agent ${agentId} ${name}`),
  };
}
