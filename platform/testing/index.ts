// The test harness: what agents' and doors' tests import as "#platform/testing". Kept out
// of the product entry so no running platform loads it.
export { agentEffects, type AgentEffects } from './agent-effects.ts';
export { eventually, eventuallyPasses } from './eventually.ts';
export { startTestAgent, type TestAgent, type TestAgentOptions } from './start-test-agent.ts';
export { quietLog, testBusDefaults, testGitHubPolicy } from './test-defaults.ts';
export { initialiseEmbeddedDataDir } from '../store/start-embedded-postgres.ts';
// The test run's migrated template of the embedded database is keyed by the checkout's migrations.
export { migrationDirs, readMigrations } from '../store/migrate.ts';
export { performTask, standInModel, standInNotes, type CompletedTask } from './customer-tasks.ts';
