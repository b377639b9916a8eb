import { existsSync } from 'node:fs';
import { loadManifests } from '#platform';
import type { TaskAgent } from '#domains/customer';

/**
 * The agents customers send tasks to, by id: each manifest under `agentsDir` with a
 * marketplace `catalog:` and `tasks:`, as the agent host reads the same folder. The task
 * API loads them at its first task, so a bad manifest fails that request (500, logged)
 * rather than the server's start.
 */
export async function loadCustomerAgents(agentsDir: string): Promise<ReadonlyMap<string, TaskAgent>> {
  const agents = new Map<string, TaskAgent>();
  // A server with no agents folder (a door-only deployment) takes no tasks.
  if (!existsSync(agentsDir)) return agents;
  for (const { manifest } of await loadManifests(agentsDir))
    if (manifest.catalog !== undefined && manifest.tasks !== undefined && Object.keys(manifest.tasks).length > 0)
      agents.set(manifest.id, { id: manifest.id, tasks: manifest.tasks });
  return agents;
}
