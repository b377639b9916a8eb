import type { IdentitySettings } from '../../config/load-config.ts';
import type { Logger } from '../../log/logger.ts';
import type { PgQueryable } from '../../store/store.ts';
import type { Kms, KmsDriver } from './kms.ts';
import { createLocalKms } from './local-kms.ts';
import { loadMasterKey, type MasterKey } from './master-key.ts';
import { createSecretBox, type SecretBox } from './secret-box.ts';
import { createError } from '../errors.ts';

/** The KMS that makes new keys (IDENTITY_KMS), and each driver by name for the keys made before a change of it. */
export interface KmsDrivers {
  readonly current: Kms;
  driver(name: KmsDriver): Kms;
  /** Other secrets (outside APIs' credentials), envelope-sealed under the local master key whichever driver signs. */
  readonly secrets: SecretBox;
}

/**
 * Builds the KMS drivers from the settings. The AWS SDK is loaded only when AWS is
 * configured; the local driver asks for its master key only when it first seals or opens one.
 */
export async function createKmsDrivers(opts: {
  settings: IdentitySettings['kms'];
  db: PgQueryable;
  log: Logger;
}): Promise<KmsDrivers> {
  const { settings, db, log } = opts;
  // One load of the master key for the local driver and the secret box alike.
  let master: Promise<MasterKey> | undefined;
  const masterKey = () =>
    (master ??= loadMasterKey({ configured: settings.local.masterKey, dataDir: settings.local.dataDir, log }).catch(
      (err: unknown) => {
        master = undefined;
        throw err;
      },
    ));
  const local = createLocalKms({ store: db, masterKey });
  const aws =
    settings.aws === undefined
      ? undefined
      : (await import('./aws-kms.ts')).createAwsKms({
          region: settings.aws.region,
          ...(settings.aws.endpoint === undefined ? {} : { endpoint: settings.aws.endpoint }),
          deletionWindowDays: settings.aws.deletionWindowDays,
        });
  const driver = (name: KmsDriver): Kms => {
    if (name === 'local') return local;
    if (aws !== undefined) return aws;
    throw createError('WOW_ERR_KMS_KEY_UNUSABLE', {
      driver: 'aws',
      keyRef: '(any)',
      operation: 'be used',
      problem: 'IDENTITY_AWS_REGION is not set, so this process has no AWS KMS',
    });
  };
  return { current: driver(settings.driver), driver, secrets: createSecretBox(masterKey) };
}
