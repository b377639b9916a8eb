import type { ZodType } from 'zod';
import type { CloudEvent } from '../bus/envelope.ts';
import type { AgentContext } from './agent-context.ts';

/**
 * The code half of an agent; `agent.yml` is the declared half (what wakes it, what it
 * emits). An agent's `src/index.ts` default-exports `defineAgent({...})`.
 */
export interface AgentDefinition {
  /**
   * Schemas for `event.data`, by event type (exact or "x.y.*" pattern). The runtime checks
   * the data before `handle` runs; a mismatch is dead-lettered at once, never retried.
   */
  input?: Readonly<Record<string, ZodType>>;
  /** Handles one event. Its resolved value is the reply when the event was a request. */
  handle(ctx: AgentContext, event: CloudEvent): Promise<unknown>;
  /** Runs once before the agent subscribes. */
  start?(ctx: Omit<AgentContext, 'event' | 'attempt' | 'signal'>): Promise<void>;
  /** Runs once after the agent has drained. */
  stop?(): Promise<void>;
}

export function defineAgent(definition: AgentDefinition): AgentDefinition {
  return definition;
}
