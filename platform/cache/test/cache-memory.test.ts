import { quietLog } from '../../testing/index.ts';
import { createCache } from '../create-cache.ts';
import { describeCacheContract } from './cache-contract.ts';

// The embedded default: no REDIS_URL, so L1 and the loader in one process.
describeCacheContract('in-process, L1 and the loader', (overrides) => createCache({ log: quietLog, ...overrides }));
