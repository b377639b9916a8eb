import { createBus } from '../create-bus.ts';
import { quietLog, testBusDefaults } from '../../testing/index.ts';
import { describeBusContract } from './bus-contract.ts';

describeBusContract('in-process', (overrides) =>
  createBus({ streamMaxLen: 10_000, defaults: testBusDefaults, log: quietLog, claimIntervalMs: 50, ...overrides }),
);
