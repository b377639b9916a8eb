import { randomUUID } from 'node:crypto';
import type { LlmClient } from '../llm/llm-client.ts';
import type { TestAgent } from './start-test-agent.ts';

/** What a customer agent's customer.task.completed carries, as its tests read it. */
export interface CompletedTask {
  taskType: string;
  deliverables: { name: string; mediaType: string; content: string }[];
  summary: string;
  model: string | null;
}

/** The words the stand-in model answers with, for a test to find in a deliverable. */
export const standInNotes = 'Notes from the stand-in model.';

/**
 * A stand-in for the model (an outside service; the agent is what is tested): it answers
 * every prompt with `standInNotes` and keeps the prompts it was sent, newest last.
 */
export function standInModel(): LlmClient & { prompts: { system: string; user: string }[] } {
  const prompts: { system: string; user: string }[] = [];
  return {
    model: 'stand-in',
    prompts,
    complete(request) {
      prompts.push(request);
      return Promise.resolve(standInNotes);
    },
  };
}

/** Sends one task to a customer agent as the task API does, and waits for its customer.task.completed. */
export async function performTask(
  agent: TestAgent,
  task: { agentId: string; organisationId: string; taskType: string; input: Record<string, unknown> },
): Promise<CompletedTask> {
  const taskId = randomUUID();
  await agent.publish({ type: 'customer.task.requested', subject: taskId, data: { taskId, ...task } });
  const done = await agent.emitted('customer.task.completed', (e) => (e.data as { taskId?: string }).taskId === taskId);
  return done.data as CompletedTask;
}
