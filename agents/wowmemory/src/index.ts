// WowMemory: keeps what agents remember of each customer and of themselves, the memory
// behind ctx.memory. Its tables are its own (migrations/); the platform decides whose
// memory an agent may reach, and a door hands every agent host this agent's `createMemory`.
// It also sweeps expired facts on a schedule and remembers each solved ticket's outcome.
import { defineAgent } from '#platform';
import { supportTicketSolvedData } from './domain-events.ts';
import { memorySettings, type MemorySettings } from './memory-settings.ts';
import { rememberSolvedTicket } from './remember-solved-ticket.ts';
import { sweepExpired } from './sweep-expired.ts';

export { createMemory, type MemoryOptions } from './create-memory.ts';
export { forgetCustomer, type ForgetReport } from './forget-customer.ts';
export { memoryUsage, type MemoryUsage } from './memory-usage.ts';
export { embedderOf, memorySettings, type MemorySettings } from './memory-settings.ts';

export default defineAgent({
  settings: memorySettings,
  on: {
    // Idempotent as it is (a redelivery writes the same fact again), so no `once`: memory
    // writes in transactions of their own, which must not wait inside another's.
    'support.ticket.solved': { input: supportTicketSolvedData, handle: rememberSolvedTicket },
  },
  every: {
    // Expired facts are never read (every read checks the expiry); the sweep gives their room back.
    sweep: {
      interval: (settings: MemorySettings) => settings.sweepMs,
      async handle(ctx) {
        const swept = await sweepExpired(ctx.store, ctx.clock());
        if (swept > 0) ctx.log.info({ swept }, 'expired facts swept');
      },
    },
  },
});
