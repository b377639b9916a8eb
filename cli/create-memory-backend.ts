import type { Logger, MemoryBackend, Metrics, Store } from '#platform';

/**
 * WowMemory's memory for an agent host (`ctx.memory`), over the runtime's store, with its
 * limits from WOWMEMORY_* (a bad one stops the door before any agent runs). Built by the
 * doors that run agents, since the platform imports no agent.
 */
export async function createMemoryBackend(
  store: Store,
  metrics: Metrics,
  log: Logger,
  env: Record<string, string | undefined>,
): Promise<MemoryBackend> {
  const { readAgentSettings } = await import('#platform');
  const { createMemory, embedderOf, memorySettings } = await import('../agents/wowmemory/src/index.ts');
  const settings = readAgentSettings('wowmemory', memorySettings, env);
  return createMemory(store, { settings, metrics, embedder: embedderOf(settings), log });
}
