import type { ZodType } from 'zod';
import type { CloudEvent } from '../bus/envelope.ts';
import type { HandlerContext, ScheduleContext, SetupContext } from './agent-context.ts';

/** One event type (or "x.y.*" pattern) the agent handles: its data's schema and its handler. */
export interface EventHandler<Settings, State, Data> {
  /**
   * The schema of `event.data`. The host parses the data once, before `handle` runs; a
   * mismatch is dead-lettered at once, never retried.
   */
  input?: ZodType<Data>;
  /** Handles one event. Its resolved value is the reply when the event was a request. */
  handle(ctx: HandlerContext<Settings, State>, data: Data): Promise<unknown>;
}

/** A declared schedule: run by the platform once per interval across every runtime hosting the agent. */
export interface Schedule<Settings, State> {
  /**
   * Milliseconds between runs (at least 100), or a function of the agent's settings
   * giving them, for a schedule its operator tunes; 0 turns the schedule off.
   */
  interval: number | ((settings: Settings) => number);
  /** A failure is logged and retried after `min(interval, 30 s)`; the next run is still one interval on. */
  handle(ctx: ScheduleContext<Settings, State>): Promise<void>;
}

/**
 * The code half of an agent; `agent.yml` is the declared half (what wakes it, what it
 * emits, what it stores). An agent's `src/index.ts` default-exports `defineAgent({...})`.
 *
 * `on` maps each type the manifest wakes on to a handler; `every` declares schedules;
 * `settings` is the agent's own configuration, read from `<ID>_*` environment variables;
 * `setup` builds the agent's state (its clients, caches), which every handler gets as
 * `ctx.state` and `stop` releases: nothing lives in module globals.
 */
export interface AgentDefinition<Settings = unknown, State = undefined> {
  settings?: ZodType<Settings>;
  setup?(ctx: SetupContext<Settings>): Promise<State> | State;
  // Typed per handler by defineAgent's inference; stored loosely so one host runs them all.
  on?: Readonly<Record<string, EventHandler<Settings, State, never>>>;
  every?: Readonly<Record<string, Schedule<Settings, State>>>;
  /**
   * Every event on the bus, whatever its type, in a consumer group of the agent's own
   * (`<id>.watch`) that never answers requests (WowEvent's archive). Needs `bus:watch`.
   */
  watch?: { handle(ctx: HandlerContext<Settings, State>, event: CloudEvent): Promise<void> };
  /** Runs once after the agent has drained, with the state `setup` returned. */
  stop?(state: State): Promise<void>;
}

/** Each key of `on` with its own data type, inferred from its `input` schema. */
export type EventHandlers<Settings, State, Types extends Record<string, unknown>> = {
  [K in keyof Types]: EventHandler<Settings, State, Types[K]>;
};

export function defineAgent<
  Settings = unknown,
  State = undefined,
  Types extends Record<string, unknown> = Record<string, unknown>,
>(
  definition: Omit<AgentDefinition<Settings, State>, 'on'> & { on?: EventHandlers<Settings, State, Types> },
): AgentDefinition<Settings, State> {
  return definition as AgentDefinition<Settings, State>;
}
