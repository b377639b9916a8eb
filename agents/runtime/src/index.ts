// The runtime's public entry: what agents and doors may import. Anything not exported
// here is internal to agents/runtime.
export { defineAgent, type AgentDefinition } from './agent/define-agent.ts';
export type { AgentContext } from './agent/agent-context.ts';
export type { AgentManifest } from './agent/manifest-schema.ts';
export { createAgentHost, type AgentHost, type AgentHostOptions } from './agent/create-agent-host.ts';
export { loadManifests, parseManifest, type LoadedManifest } from './agent/load-manifests.ts';
export type { Bus, Delivery, DeadLetter, Handler, PublishOptions, PublishResult, Subscription, SubscriptionHandle } from './bus/bus.ts';
export { createBus, type CreateBusOptions } from './bus/create-bus.ts';
export { createEvent, assertEventValid, assertEventTypeValid, assertPatternValid, topicOf, typeMatches, type CloudEvent, type EventInput } from './bus/envelope.ts';
export { loadConfig, type Config, type GitHubAppCredentials } from './config/load-config.ts';
export { createError, errorCodes, isWowError, type ErrorCode } from './errors/error-codes.ts';
export { WowError, serializeError, type SerializedError } from './errors/wow-error.ts';
export { createLlmClient, type LlmClient, type LlmClientOptions } from './llm/llm-client.ts';
export { createGitHubPort, githubDelivery, type GitHubClient, type GitHubPort, type GitHubPortOptions } from './github/github-port.ts';
export { createLogger, type Logger } from './log/logger.ts';
export { createMetrics, type Metrics } from './metrics/metrics.ts';
export { enqueueOutbox } from './outbox/enqueue-outbox.ts';
export { openRuntime, openBus, openStore, type Runtime } from './platform/open-runtime.ts';
export { listAgents, type AgentRow, type AgentStatus } from './registry/list-agents.ts';
export { createStore } from './store/create-store.ts';
export { migrate } from './store/migrate.ts';
export type { PgQueryable, Store } from './store/store.ts';
export { startTestAgent, type TestAgent, type TestAgentOptions } from './testing/start-test-agent.ts';
export { readYaml, type YamlWithPositions } from './yaml/read-yaml.ts';
