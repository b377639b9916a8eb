import { createPrivateKey, generateKeyPairSync, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import type { PgQueryable } from '../../store/store.ts';
import { createError } from '../errors.ts';
import { maxSignBytes, type Kms, type PublicKeyJwk } from './kms.ts';
import type { MasterKey } from './master-key.ts';
import { publicKeyJwkOf } from './public-key-jwk.ts';
import { open, seal } from './seal.ts';

interface LocalKeyRow extends Record<string, unknown> {
  master_key_id: string;
  sealed_data_key: Buffer | null;
  sealed_private_key: Buffer | null;
  public_key_jwk: PublicKeyJwk;
}

// What each sealed value is bound to: a value copied into another row, or the data key
// put where the private key goes, fails to open.
const dataKeyContext = (keyRef: string) => `waooaw identity_local_kms_keys ${keyRef} data key`;
const privateKeyContext = (keyRef: string) => `waooaw identity_local_kms_keys ${keyRef} private key`;

/**
 * The local KMS: Ed25519 keys made with node:crypto, each private key sealed under a data
 * key of its own and the data key under the master key, in PostgreSQL. The master key is
 * asked for on first use only, so a process that never signs never needs it. A private key
 * is opened once per process and kept as a KeyObject, which prints as nothing but its type;
 * a key another process retires may still sign here, but nothing asks it to (the identity
 * layer signs only with keys in their signing window) and nothing would accept it.
 */
export function createLocalKms(opts: { store: PgQueryable; masterKey: () => Promise<MasterKey> }): Kms {
  const { store } = opts;
  const opened = new Map<string, KeyObject>();
  let master: Promise<MasterKey> | undefined;
  const masterKey = () =>
    (master ??= opts.masterKey().catch((err: unknown) => {
      master = undefined;
      throw err;
    }));

  const row = async (keyRef: string, operation: string): Promise<LocalKeyRow> => {
    const { rows } = await store.query<LocalKeyRow>(
      'select master_key_id, sealed_data_key, sealed_private_key, public_key_jwk from identity_local_kms_keys where key_ref = $1',
      [keyRef],
    );
    const [found] = rows;
    if (found === undefined)
      throw createError('WOW_ERR_KMS_KEY_UNUSABLE', { driver: 'local', keyRef, operation, problem: 'no such key' });
    return found;
  };

  const privateKey = async (keyRef: string): Promise<KeyObject> => {
    const cached = opened.get(keyRef);
    if (cached !== undefined) return cached;
    const found = await row(keyRef, 'sign');
    if (found.sealed_data_key === null || found.sealed_private_key === null)
      throw createError('WOW_ERR_KMS_KEY_UNUSABLE', {
        driver: 'local',
        keyRef,
        operation: 'sign',
        problem: 'it was retired and destroyed',
      });
    const { key, id } = await masterKey();
    if (found.master_key_id !== id)
      throw createError('WOW_ERR_IDENTITY_MASTER_KEY', {
        problem: `key ${keyRef} was sealed under master key ${found.master_key_id}, and this process has ${id}. Set IDENTITY_MASTER_KEY to the same value in every process`,
      });
    let dataKey: Buffer | undefined;
    let pkcs8: Buffer | undefined;
    try {
      dataKey = open(key, found.sealed_data_key, dataKeyContext(keyRef));
      pkcs8 = open(dataKey, found.sealed_private_key, privateKeyContext(keyRef));
      const keyObject = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
      opened.set(keyRef, keyObject);
      return keyObject;
    } catch {
      // The cause would be OpenSSL's words about bytes; what the operator needs is which key.
      throw createError('WOW_ERR_KMS_KEY_UNUSABLE', {
        driver: 'local',
        keyRef,
        operation: 'sign',
        problem: 'its sealed value does not open under this master key (changed, or copied from another row)',
      });
    } finally {
      dataKey?.fill(0);
      pkcs8?.fill(0);
    }
  };

  return {
    driver: 'local',
    async createKey() {
      const { key, id } = await masterKey();
      const keyRef = `local:${randomUUID()}`;
      const pair = generateKeyPairSync('ed25519');
      const pkcs8 = pair.privateKey.export({ format: 'der', type: 'pkcs8' });
      const dataKey = randomBytes(32);
      const publicKeyJwk = publicKeyJwkOf(pair.publicKey);
      try {
        await store.query(
          `insert into identity_local_kms_keys (key_ref, master_key_id, sealed_data_key, sealed_private_key, public_key_jwk)
           values ($1, $2, $3, $4, $5)`,
          [
            keyRef,
            id,
            seal(key, dataKey, dataKeyContext(keyRef)),
            seal(dataKey, pkcs8, privateKeyContext(keyRef)),
            JSON.stringify(publicKeyJwk),
          ],
        );
      } finally {
        dataKey.fill(0);
        pkcs8.fill(0);
      }
      opened.set(keyRef, pair.privateKey);
      return { keyRef, publicKeyJwk };
    },
    async getPublicKey(keyRef) {
      return (await row(keyRef, 'give its public key')).public_key_jwk;
    },
    async sign(keyRef, message) {
      if (message.byteLength === 0 || message.byteLength > maxSignBytes)
        throw createError('WOW_ERR_KMS_MESSAGE_SIZE', { max: maxSignBytes, bytes: message.byteLength });
      return new Uint8Array(sign(null, message, await privateKey(keyRef)));
    },
    async retireKey(keyRef) {
      await row(keyRef, 'retire');
      opened.delete(keyRef);
      await store.query(
        `update identity_local_kms_keys set sealed_data_key = null, sealed_private_key = null, destroyed_at = coalesce(destroyed_at, now())
         where key_ref = $1`,
        [keyRef],
      );
    },
  };
}
