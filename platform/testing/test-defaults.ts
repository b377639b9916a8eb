// Settings that make the bus retry fast and the log quiet, shared by every suite that
// starts a bus or an agent.
import { createLogger } from '../log/logger.ts';

export const testBusDefaults = {
  concurrency: 10,
  maxAttempts: 3,
  visibilityTimeoutMs: 400,
  retryBaseMs: 5,
  retryMaxMs: 20,
};
export const quietLog = createLogger('silent');
