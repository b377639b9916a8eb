// WowAnalytics: watches every agent's health against its own baseline and opens an incident
// when one regresses, before customers notice. Runtimes add each agent's handling per minute
// to agent_health_minutes; the `check` schedule judges the last 10 minutes against the week
// before, keeps one incident per regression with its issue in the support repository, and
// announces it (support.incident.opened, then .resolved). Customers whose integrations use
// the agent are told on their signed webhook, from the event as well as by the look.
import { answering, defineAgent, type SetupContext } from '#platform';
import {
  analyticsSettings,
  createAnalyticsState,
  type AnalyticsSettings,
  type AnalyticsState,
} from './analytics-settings.ts';
import { answerHealthReport } from './handlers/answer-health-report.ts';
import { checkAgentsHealth } from './handlers/check-agents-health.ts';
import { healthReportProtocol } from './health-protocol.ts';
import { incidentEvent, tellCustomers } from './handlers/tell-customers.ts';
import { pruneHealthMinutes } from './housekeeping/prune-health-minutes.ts';

// `wow support` (cli/commands/support.ts) records the agents a customer uses and lists open
// incidents; WowSupport's tiers and specialists read incidents and figures to answer.
export { addCustomerAgent, customerAgentsTag, openIncidents, type Incident } from './incidents/incident-store.ts';
export { healthFigures } from './incidents/health-figures.ts';
// The operators' dashboard (app/ops) reads each agent's throughput and error rate.
export { agentThroughput, type Throughput } from './incidents/agent-throughput.ts';
export {
  defaultHealthPolicy,
  describeHealth,
  judgeHealth,
  type HealthFigures,
  type HealthPolicy,
  type Signal,
} from './incidents/judge-health.ts';
// The protocol other agents ask how agents are doing with (WowSupport's performance specialist).
export { healthReportProtocol } from './health-protocol.ts';
export { healthReport } from './handlers/answer-health-report.ts';
// How a remedy's windows are judged: WowSupport's dry run (`wow playbooks test --recorded`) replays recorded ones.
export { remedyVerdict, type RemedyVerdict } from './incidents/remedy-verdict.ts';
// WowSupport's tests open incidents as this agent's look does.
export { checkIncidents, type IncidentDeps } from './incidents/check-incidents.ts';

export default defineAgent({
  settings: analyticsSettings,
  setup: (ctx: SetupContext<AnalyticsSettings>): AnalyticsState => createAnalyticsState(ctx.settings),
  on: {
    'support.incident.opened': { input: incidentEvent, handle: tellCustomers },
    'support.incident.resolved': { input: incidentEvent, handle: tellCustomers },
    'analytics.health.report': answering(healthReportProtocol, answerHealthReport),
  },
  every: {
    // WOWANALYTICS_CHECK_SECONDS; 0 turns the check off.
    check: { interval: (settings) => settings.checkSeconds * 1000, handle: checkAgentsHealth },
    prune: {
      interval: 3_600_000,
      async handle(ctx) {
        const dropped = await pruneHealthMinutes(ctx.store, ctx.clock());
        if (dropped > 0) ctx.log.info({ dropped }, 'pruned health minutes no baseline reads');
      },
    },
  },
});
