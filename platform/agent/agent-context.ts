import type { Logger } from '../log/logger.ts';
import type { Config } from '../config/load-config.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { CloudEvent, EventInput } from '../bus/envelope.ts';
import type { DeadLetterQueue, PublishResult } from '../bus/bus.ts';
import type { GitHubPort } from '../github/github-port.ts';
import type { LlmClient } from '../llm/llm-client.ts';
import type { PgQueryable, Store } from '../store/store.ts';

/**
 * Everything a handler may use, built by the runtime for each delivery (house rule 4).
 * Agents never create clients of their own.
 */
export interface AgentContext {
  readonly agentId: string;
  readonly log: Logger;
  readonly config: Config;
  readonly store: Store;
  readonly metrics: Metrics;
  /** GitHub as the App's installations; undefined until the App's credentials are configured. */
  readonly github: GitHubPort | undefined;
  /** An OpenAI-compatible model when LLM_MODEL is configured; advice only (DESIGN principle 7). */
  readonly llm: LlmClient | undefined;
  readonly clock: () => Date;
  /** Events any agent gave up on, to read (support diagnoses from them); redriving is an operator's call. */
  readonly deadLetters: Pick<DeadLetterQueue, 'list'>;
  /** Aborted when the runtime gives up on this delivery at shutdown. */
  readonly signal: AbortSignal;
  /** The delivery being handled: its attempt number and the event. */
  readonly event: CloudEvent;
  readonly attempt: number;
  /**
   * Publishes an event this agent declares in `emits`; anything else is rejected with
   * WOW_ERR_EVENT_UNDECLARED. Source and trace context are filled from the delivery.
   */
  emit<T>(event: Omit<EventInput<T>, 'source'>): Promise<PublishResult>;
  /** Request/reply to whichever agent wakes on `type`. */
  request<R = unknown>(event: Omit<EventInput, 'source'>, opts?: { timeoutMs?: number }): Promise<R>;
  /**
   * Runs `effect` at most once per `key` for this agent, even when the message is
   * delivered twice: the key is recorded in the same transaction as the effect's own
   * writes, and a repeat returns the first run's result.
   */
  once<T>(key: string, effect: (tx: PgQueryable) => Promise<T>): Promise<T>;
}
