import { createBus } from '../../agents/runtime/src/bus/create-bus.ts';
import { describeBusContract, quietLog, testBusDefaults } from './bus-contract.ts';

describeBusContract('in-process', (overrides) =>
  createBus({ streamMaxLen: 10_000, defaults: testBusDefaults, log: quietLog, claimIntervalMs: 50, ...overrides }),
);
