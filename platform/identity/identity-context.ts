import type { IdentitySettings } from '../config/load-config.ts';
import type { Logger } from '../log/logger.ts';
import type { Store } from '../store/store.ts';
import type { KmsDrivers } from './kms/create-kms.ts';

/** What every identity operation works with; `createIdentity` builds it once. */
export interface IdentityContext {
  db: Store;
  kms: KmsDrivers;
  /** The did:web method-specific id of PUBLIC_URL (its host, a port's colon as %3A). */
  host: string;
  settings: Pick<
    IdentitySettings,
    'publicUrl' | 'rotationSeconds' | 'graceSeconds' | 'publishSeconds' | 'credentialTtlSeconds'
  >;
  clock: () => Date;
  /** The same clock in ms, without making a Date: read for every message verified. */
  now: () => number;
  log: Logger;
}
