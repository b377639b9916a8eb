import type { Command } from 'commander';
import type { CliIo } from './cli-io.ts';

type Register = (program: Command, io: CliIo, setCode: (code: number) => void) => void;

interface IndexedCommand {
  name: string;
  /** The line `wow --help` lists it with; its own `--help` gives the whole description. */
  summary: string;
  /** The module that registers it, with the engines it needs: loaded only when it is the command run. */
  load(): Promise<Register>;
}

/**
 * Every top-level command of `wow`. `wow --help` and a mistyped command read only this
 * list, so they never load TypeScript, PGlite, ioredis or Octokit; `wow <command> …`
 * loads the one module it runs (cli/test/command-index.test.ts keeps the list and the
 * modules in step).
 */
export const commandIndex: readonly IndexedCommand[] = [
  {
    name: 'start',
    summary:
      'Run the platform: the HTTP server and every agent, on DATABASE_URL and REDIS_URL or the embedded defaults',
    load: async () => (await import('./commands/start.ts')).registerStartCommand,
  },
  {
    name: 'agents',
    summary: 'Agents: the registry, and running them in their own process',
    load: async () => (await import('./commands/agents.ts')).registerAgentsCommands,
  },
  {
    name: 'db',
    summary: 'The PostgreSQL database (DATABASE_URL, or the embedded one in DATA_DIR)',
    load: async () => (await import('./commands/db.ts')).registerDbCommands,
  },
  {
    name: 'bus',
    summary: 'The Redis Streams event bus (REDIS_URL)',
    load: async () => (await import('./commands/bus.ts')).registerBusCommands,
  },
  {
    name: 'review',
    summary: 'Review a change of this git repository with WowVision, as the GitHub check does',
    load: async () => (await import('./commands/review.ts')).registerReviewCommand,
  },
  {
    name: 'factory',
    summary: 'The agent Factory: the New-agent questionnaire, generating agents from templates/, regenerating them',
    load: async () => (await import('./commands/factory.ts')).registerFactoryCommands,
  },
  {
    name: 'deploy',
    summary: 'Deploy agents as committed: Draft, proven to load, then Active in every running runtime',
    load: async () => (await import('./commands/deploy.ts')).registerDeployCommand,
  },
  {
    name: 'domain',
    summary: 'Domain models: check them, show one, render their glossaries to docs/domains/',
    load: async () => (await import('./commands/domain.ts')).registerDomainCommands,
  },
  {
    name: 'identity',
    summary: "DIDs, keys and credentials: show the platform's or an agent's, rotate keys, approve capabilities",
    load: async () => (await import('./commands/identity.ts')).registerIdentityCommands,
  },
  {
    name: 'events',
    summary:
      "The event catalogue (who sends, who wakes on each type) and WowEvent's archive: follow events live, replay them to one agent",
    load: async () => (await import('./commands/events.ts')).registerEventsCommands,
  },
  {
    name: 'trace',
    summary: "What one event caused: the chain of events and requests that followed it, from WowEvent's archive",
    load: async () => (await import('./commands/trace.ts')).registerTraceCommand,
  },
  {
    name: 'protocols',
    summary: 'Who asks what of whom: the request types agents answer, their terms, and who asks them',
    load: async () => (await import('./commands/protocols.ts')).registerProtocolsCommand,
  },
  {
    name: 'infra',
    summary: "Deployment files from the agent manifests: each agent's Kubernetes workload and KEDA scaling",
    load: async () => (await import('./commands/infra.ts')).registerInfraCommands,
  },
  {
    name: 'support',
    summary: 'The support desk: customers, their API keys and webhook secrets, the kill switch and incidents',
    load: async () => (await import('./commands/support.ts')).registerSupportCommands,
  },
  {
    name: 'accounts',
    summary: "Customers' accounts: invite someone into an organisation (its first owner)",
    load: async () => (await import('./commands/accounts.ts')).registerAccountsCommands,
  },
  {
    name: 'billing',
    summary: 'Subscriptions and invoices: plans, subscriptions, invoices, and marking a bank transfer paid',
    load: async () => (await import('./commands/billing.ts')).registerBillingCommands,
  },
  {
    name: 'kb',
    summary: 'The knowledge base L1 answers from: load Markdown articles, and search them as WowSearch does',
    load: async () => (await import('./commands/kb.ts')).registerKbCommands,
  },
  {
    name: 'alerts',
    summary: 'Operator alerts (WowNotification, config/alerts.yml): list them, acknowledge one',
    load: async () => (await import('./commands/alerts.ts')).registerAlertsCommands,
  },
  {
    name: 'cache',
    summary: "The platform's cache (ctx.cache): each namespace's hit rates, evictions and WowCache's tuning",
    load: async () => (await import('./commands/cache.ts')).registerCacheCommands,
  },
  {
    name: 'integrations',
    summary:
      "Outside APIs (WowIntegration): the connectors, their credentials' health, and storing a credential sealed",
    load: async () => (await import('./commands/integrations.ts')).registerIntegrationsCommands,
  },
  {
    name: 'playbooks',
    summary: "WowSupport's self-healing playbooks: list them, check one and dry-run it against a recording",
    load: async () => (await import('./commands/playbooks.ts')).registerPlaybooksCommands,
  },
  {
    name: 'memory',
    summary: 'What agents remember of a customer (WowMemory): show it, or forget it everywhere',
    load: async () => (await import('./commands/memory.ts')).registerMemoryCommands,
  },
];
