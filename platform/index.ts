// The platform's public entry, imported as "#platform": what agents, domains and doors may
// import. Anything not exported here is internal to platform/.
export {
  defineAgent,
  type AgentDefinition,
  type EventHandler,
  type EventHandlers,
  type Schedule,
} from './agent/define-agent.ts';
export type { DeliveryInfo, HandlerContext, ScheduleContext, SetupContext } from './agent/agent-context.ts';
export { grantIdentity, type AgentIdentity } from './agent/grant-identity.ts';
export {
  grantPlatformActions,
  type PlatformActionName,
  type PlatformActions,
  type PlatformWhy,
} from './agent/grant-platform-actions.ts';
export { capabilityForms, capabilityPattern } from './agent/capabilities.ts';
export {
  readAgentSettings,
  readSharedSettings,
  settingsPrefix,
  sharedSettings,
  sharedVariables,
} from './config/agent-settings.ts';
export {
  requestTermsSchema,
  scalingDefaults,
  type AgentCatalog,
  type AgentManifest,
  type TaskTerms,
} from './agent/manifest-schema.ts';
export { createAgentHost, type AgentHost, type AgentHostOptions } from './agent/create-agent-host.ts';
export { loadManifests, parseManifest, type LoadedManifest } from './agent/load-manifests.ts';
export { storesMismatch } from './agent/assert-stores-match.ts';
export type { DomainManifest } from './domain/domain-schema.ts';
export type { AgentMemory, MemoryCallOptions, MemoryScope } from './memory/create-agent-memory.ts';
export type {
  MemoryBackend,
  MemoryFact,
  MemoryMessage,
  MemoryOwner,
  MemoryProvenance,
  MemoryRole,
  RecallHit,
} from './memory/memory-backend.ts';
export { loadDomains, parseDomain, type LoadedDomain } from './domain/load-domains.ts';
export type { DomainModel, GlossaryEntry, ModelEvent, ModelType } from './domain/model-schema.ts';
export {
  loadDomainModels,
  modelCovers,
  modelEventFor,
  parseDomainModel,
  readDomainModels,
  type LoadedDomainModel,
} from './domain/load-domain-models.ts';
export { compareModels, incompatibleChanges, needsVersionBump, type EventChange } from './domain/compare-models.ts';
export {
  createEventSchemaCheck,
  type EventSchemaCheck,
  type EventSchemaCheckMode,
  type EventSchemaMismatch,
} from './domain/event-schema-check.ts';
export { renderDomainDocs } from './domain/render-domain-docs.ts';
export {
  checkDomainModels,
  domainDocsPath,
  modelFileOf,
  type DomainModelsCheck,
} from './domain/check-domain-models.ts';
export type {
  Bus,
  BusStats,
  Delivery,
  DeliveryToVerify,
  GroupStats,
  DeadLetter,
  Handler,
  PublishOptions,
  MessageGuard,
  ProofAtHand,
  PublishResult,
  SealedEvent,
  Subscription,
  SubscriptionHandle,
} from './bus/bus.ts';
export { backupDatabase, backupFileName, type BackupResult } from './backup/backup-database.ts';
export { listBackups, type BackupRow } from './backup/list-backups.ts';
export { restoreDatabase, type RestoreResult } from './backup/restore-database.ts';
export { createBus, type CreateBusOptions } from './bus/create-bus.ts';
export { tailStreams, type TailedEntry, type TailOptions } from './bus/redis/tail-streams.ts';
export {
  approvalWaitingEventType,
  approvalWaitingSource,
  circuitChangedEventType,
  errorOccurredEventType,
  platformEventTypes,
  requestCompletedEventType,
  securityViolationEventType,
} from './bus/platform-events.ts';
export {
  deadLetterData,
  errorOccurredSource,
  reportDeadLetters,
  sampleLine,
  type ErrorOccurredData,
} from './bus/report-dead-letters.ts';
export { failureRateEvent, type FailureRateReport } from './bus/failure-rate-event.ts';
export {
  answering,
  defineProtocol,
  isProtocol,
  type Protocol,
  type ReplyOf,
  type RequestOf,
} from './communication/define-protocol.ts';
export type { AnsweredType, Requester, RequestOptions } from './communication/create-requester.ts';
export type { ProtocolTypes } from './communication/protocol-types.ts';
export type { CircuitChange } from './communication/request-gates.ts';
export type { CircuitState } from './communication/request-observer.ts';
export {
  createEvent,
  customerSlugPattern,
  assertEventValid,
  assertEventTypeValid,
  assertPatternValid,
  topicOf,
  typeMatches,
  type CloudEvent,
  type EventInput,
} from './bus/envelope.ts';
export type { AgentDeployed, AgentRelease } from './deploy/agent-release.ts';
export { changedAgents, type ChangedAgents } from './deploy/changed-agents.ts';
export {
  buildEventCatalog,
  type CatalogedEvent,
  type EventCatalog,
  type EventConsumer,
} from './events/build-event-catalog.ts';
export { renderAsyncApi } from './events/render-asyncapi.ts';
export { renderTalkMap, replaceTalkMap, talkMapEnd, talkMapStart } from './events/render-talk-map.ts';
export { deployAgents, type DeployOptions, type DeployOutcome } from './deploy/deploy-agents.ts';
export {
  activateVersion,
  deployedEventType,
  deployFailedEventType,
  failDraft,
  recordDraft,
  rollbackVersion,
} from './deploy/version-registry.ts';
export {
  renderAgentWorkload,
  renderWorkloads,
  renderWorkloadsKustomization,
  workloadPath,
  workloadsDir,
  workloadsKustomizationPath,
} from './deploy/kubernetes/agent-workload.ts';
export {
  loadConfig,
  type AwsKmsSettings,
  type Config,
  type GitHubAppCredentials,
  type IdentitySettings,
  type LocalKmsSettings,
} from './config/load-config.ts';
export {
  createError,
  defineErrors,
  isWowError,
  platformErrors,
  serializeError,
  WowError,
  type CodesOf,
  type CreateErrorOptions,
  type ErrorRegistry,
  type ErrorSpec,
  type SerializedError,
  type WowErrorCode,
  type WowErrorCodes,
} from './errors/index.ts';
export { openBlobReader, runGit } from './git/run-git.ts';
export { createLlmClient, type LlmClient, type LlmClientOptions } from './llm/llm-client.ts';
export { createEmbedder, embedBatchSize, type EmbedderSettings } from './llm/create-embedder.ts';
export { embedderFrom, embedderVariables, embeddingsNeedModel } from './llm/embedder-variables.ts';
export { embeddingTextMaxLength, vectorText, type Embedder } from './llm/embedder.ts';
export {
  createGitHubClient,
  type GitHubAppAuth,
  type GitHubClient,
  type GitHubClientOptions,
} from './github/github-client.ts';
export { createGitHubPort, githubDelivery, type GitHubPort, type GitHubPortOptions } from './github/github-port.ts';
export {
  decideRateLimitRetry,
  defaultGitHubRequestPolicy,
  type GitHubRequestPolicy,
  type RateLimitDecision,
  type RateLimitKind,
} from './github/github-request-policy.ts';
export {
  findMarkedComment,
  findMarkedIssue,
  withMarker,
  writeMarkedComment,
  writeMarkedIssue,
  type IssueTarget,
  type MarkedComment,
  type MarkedIssue,
  type MarkedWrite,
  type RepoTarget,
} from './github/marked-writes.ts';
export { getOwnLogin, isWrittenBy } from './github/own-login.ts';
export type { GitHubObserver } from './github/request-metrics.ts';
export {
  getRepositoryRole,
  hasRepositoryRole,
  repositoryRoles,
  type RepositoryRole,
} from './github/repository-role.ts';
export { githubEvent, type GitHubDelivery } from './github/github-event.ts';
export { createMemoryReplayCache, createRedisReplayCache, type ReplayCache } from './identity/messages/replay-cache.ts';
export { statusListBit, statusListJwt, statusPurposes, type StatusPurpose } from './identity/status/status-list.ts';
export { createIdentity, type Identity } from './identity/create-identity.ts';
export {
  reportViolations,
  securityViolationSource,
  violationData,
  type SecurityViolationData,
} from './identity/report-violations.ts';
export type { LifecycleChange, LifecycleState } from './identity/lifecycle/agent-lifecycle.ts';
export { haltedAgents } from './identity/lifecycle/agent-lifecycle.ts';
export type { CapabilityReader, HeldCapabilities } from './identity/credentials/capabilities-of.ts';
export { emitCapability, tableCapability, type CapabilityGrant } from './identity/credentials/capability-grant.ts';
export type { AgentTier } from './identity/credentials/tier-policy.ts';
export type { CapabilityApproval } from './identity/credentials/approvals.ts';
export type { CredentialView, CredentialsView } from './identity/credentials/show-credentials.ts';
export type { IssuedCredentials } from './identity/credentials/issue-credentials.ts';
export type { RenewOutcome } from './identity/credentials/renew-credentials.ts';
export { verifyCredentialJwt, type CredentialRefusal } from './identity/credentials/verify-credential.ts';
export { hashFolder, type FolderHash } from './identity/attestation/tree-hash.ts';
export { assertSubjectValid, didHostOf, didOf, subjectOf, type Subject } from './identity/did/did-web.ts';
export { buildDidDocument } from './identity/did/did-document.ts';
export { createDidResolver } from './identity/did/create-did-resolver.ts';
export type { EnsuredIdentity } from './identity/ensure-identity.ts';
export type { KeyState } from './identity/identity-keys.ts';
export type { Kms, KmsDriver, KmsKey, PublicKeyJwk } from './identity/kms/kms.ts';
export type { KmsDrivers } from './identity/kms/create-kms.ts';
export { agentSecretBox, type SealedSecret, type SecretBox } from './identity/kms/secret-box.ts';
export type { RetireOutcome } from './identity/retire-keys.ts';
export type { Rotation } from './identity/rotate-key.ts';
export type { IdentityView } from './identity/show-identity.ts';
export type { SignJwtOptions } from './identity/sign-jwt.ts';
export { verifyJwt, type JwtRefusal, type VerifiedJwt, type VerifyJwtOptions } from './identity/verify-jwt.ts';
export { createLogger, type Logger } from './log/logger.ts';
export {
  codePointOf,
  escapeCodePoint,
  escapeHiddenCharacters,
  hiddenCharacterName,
  hiddenCharacterPattern,
  hiddenKindOf,
  hiddenKinds,
  type HiddenKind,
} from './text/hidden-characters.ts';
export {
  createMetrics,
  type HttpObserver,
  type Metrics,
  type SecurityViolation,
  type SecurityViolationDetail,
  type SecurityViolationKind,
  securityViolationKinds,
  type WatchedGauge,
} from './metrics/metrics.ts';
export { enqueueOutbox } from './outbox/enqueue-outbox.ts';
export { openRuntime, openBus, openCache, openStore, type Runtime } from './open-runtime.ts';
export type { AgentCache, Cache, CacheEntryOptions, Json, NamespaceFigures, NamespaceTuning } from './cache/cache.ts';
export { createCache, type CacheObserver, type CreateCacheOptions } from './cache/create-cache.ts';
export { openMessageGuard } from './open-message-guard.ts';
export { listAgents, type AgentRow, type AgentStatus, type DeployedVersion } from './registry/list-agents.ts';
export { createHealthRecorder, type HealthRecorder } from './registry/agent-health.ts';
export {
  performingTasks,
  TaskNeedsInput,
  type AgentHandler,
  type CustomerTask,
  type TaskHandler,
  type TaskOutcome,
  type TaskRequested,
} from './tasks/performing-tasks.ts';
export { deliverTask, type TaskRecipe, type ToolOutcome } from './tasks/deliver-task.ts';
export { organisationBrief } from './tasks/organisation-brief.ts';
export { csvCell, csvDocument, markdownText, readCsv, type CsvTable } from './tasks/deliverable-text.ts';
export { deliverableLimits, type EncodedDeliverable, type TaskDeliverable } from './tasks/encode-deliverables.ts';
export {
  businessContextKey,
  contextLimits,
  readOrganisationContext,
  type OrganisationContext,
} from './tasks/organisation-context.ts';
export { createStore } from './store/create-store.ts';
export { tablesCreatedBy, type CreatedTable } from './store/created-tables.ts';
export { migrate } from './store/migrate.ts';
export { readSql } from './store/read-sql.ts';
export type { PgQueryable, Store } from './store/store.ts';
export { readYaml, type YamlWithPositions } from './yaml/read-yaml.ts';
export { parseYamlWith } from './yaml/parse-yaml-with.ts';
