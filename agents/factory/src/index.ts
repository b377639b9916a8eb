// The Factory's public entry: the agent the runtime hosts (questionnaire issues from the
// bus) and the questionnaire's engine (issue form, parser, validation) for the CLI.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineAgent, githubEvent, type GitHubDelivery, type HandlerContext } from '#platform';
import { loadTemplates, type AgentTemplate } from './generate/agent-template.ts';
import { openRequestIssue } from './custom/open-request-issue.ts';
import { factorySettings, type FactorySettings } from './custom/factory-settings.ts';
import { customerAgentRequestedData, type CustomerAgentRequestedData } from './domain-events.ts';
import { checkQuestionnaireIssue } from './github/check-questionnaire-issue.ts';
import { platformFacts } from './questionnaire/platform-facts.ts';
import { loadQuestionnaire, type Questionnaire } from './questionnaire/questionnaire.ts';

export {
  loadQuestionnaire,
  questionnaireFile,
  type Question,
  type Questionnaire,
} from './questionnaire/questionnaire.ts';
export { renderIssueForm } from './questionnaire/render-issue-form.ts';
export { parseIssueBody, type Answers, type ParsedBody } from './questionnaire/parse-issue-body.ts';
export {
  validateAnswers,
  reservedIds,
  type AgentRequest,
  type AnswerProblem,
  type PlatformFacts,
} from './questionnaire/validate-answers.ts';
export { platformFacts } from './questionnaire/platform-facts.ts';
export {
  loadTemplates,
  loadTemplate,
  templateForTier,
  templatesDir,
  templatesFor,
  type AgentTemplate,
} from './generate/agent-template.ts';
export { readAnswersFile, writeAnswersFile } from './generate/answers-file.ts';
export { generateAgent, renderAgentFiles, answersPath, type GeneratedAgent } from './generate/generate-agent.ts';
export { gateGeneratedFiles, type GateResult } from './generate/gate-generated-files.ts';
export { typecheckFiles, type TypeProblem } from './generate/typecheck-files.ts';
export { planNewAgent, buildNewAgent, type NewAgentPlan, type BuiltAgent } from './generate/plan-new-agent.ts';
export { regenerateAgent, type RegenFile, type RegenPlan } from './generate/regenerate-agent.ts';
export { regenerateFromModels, type ModelRegeneration } from './generate/regenerate-from-models.ts';
export { templatesOf } from './generate/templates-of.ts';
export { domainModelsOf } from './generate/domain-models-of.ts';
export { mergeThreeWay, type FileMerge } from './generate/merge-three-way.ts';
export { unifiedDiff } from './generate/unified-diff.ts';
export { upsertCatalogueRow, cataloguePath } from './generate/agent-catalogue.ts';
export {
  checkQuestionnaireIssue,
  type Generation,
  type IssuePayload,
  type QuestionnaireOutcome,
} from './github/check-questionnaire-issue.ts';
export {
  publishAgentPullRequest,
  closeAgentPullRequests,
  type PublishedPull,
} from './github/publish-agent-pull-request.ts';
export { publishModelsPullRequest, modelsBranchOf, type ModelsPull } from './github/publish-models-pull-request.ts';
export {
  branchOf,
  followUpBranchOf,
  readAgentBranches,
  hasApprovingReview,
  type AgentBranch,
  type RepoRef,
} from './github/agent-branches.ts';
export { authoriseRequest } from './github/authorise-request.ts';
export { parseFactoryCommand, type FactoryCommand } from './github/factory-command.ts';
export { findHostileCharacter, withVisibleEscapes } from './questionnaire/hostile-characters.ts';
export { customAgentId, requestAnswers, type CustomAgentRequest } from './custom/request-answers.ts';
export { renderIssueBody } from './custom/render-issue-body.ts';
export { openRequestIssue, requestLabels, type OpenedIssue } from './custom/open-request-issue.ts';
export { factorySettings, type FactorySettings } from './custom/factory-settings.ts';

// Generated code is typechecked in the platform's own checkout, against the platform it
// will run on; the answers are checked against the platform's agents (and what they emit),
// read per event since they change with deploys.
const platformRoot = fileURLToPath(new URL('../../../', import.meta.url));

async function answerIssue(
  ctx: HandlerContext<FactorySettings, FactoryState>,
  delivery: GitHubDelivery<IssueEvent>,
): Promise<{ did: string }> {
  if (ctx.github === undefined) {
    ctx.log.warn(
      { event: ctx.delivery.type },
      'the Factory needs the GitHub App credentials and an installation to answer questionnaires; skipped',
    );
    return { did: 'ignored' };
  }
  const generation = { templates: await ctx.state.templates, typecheckRoot: platformRoot };
  const outcome = await checkQuestionnaireIssue(
    ctx.github,
    delivery.payload,
    await ctx.state.questionnaire,
    await platformFacts(join(platformRoot, 'agents')),
    generation,
  );
  if (
    outcome.did === 'invalid' ||
    outcome.did === 'taken' ||
    outcome.did === 'blocked' ||
    outcome.did === 'published'
  ) {
    // An id another issue holds is a problem with the answers, found on GitHub rather than in the text.
    await ctx.emit({
      type: 'factory.questionnaire.checked',
      data: {
        issue: outcome.issue,
        valid: outcome.did !== 'invalid' && outcome.did !== 'taken',
        problems: outcome.did === 'invalid' ? outcome.problems.length : outcome.did === 'taken' ? 1 : 0,
        ...(outcome.did === 'invalid' ? {} : { agentId: outcome.request.id, gatePassed: outcome.did === 'published' }),
      },
    });
  }
  if (outcome.did === 'published') {
    await ctx.emit({
      type: 'factory.pull_request.published',
      data: {
        issue: outcome.issue,
        agentId: outcome.request.id,
        pull: outcome.pull.number,
        branch: outcome.pull.branch,
        commit: outcome.pull.commit,
        branchWas: outcome.pull.branchWas,
        pullWas: outcome.pull.pullWas,
      },
    });
  }
  ctx.log.info(
    { outcome: outcome.did, ...('why' in outcome ? { why: outcome.why } : {}) },
    'the Factory handled the issue',
  );
  return { did: outcome.did };
}

/**
 * An organisation's request for a custom agent: a New-agent questionnaire issue in
 * FACTORY_REPO that the Factory then answers as any other (approved by a maintainer before
 * anything is generated), and factory.custom_request.opened so the customer's page links it.
 * Without FACTORY_REPO or the App's credentials the request stays on the platform, unanswered.
 */
async function answerAgentRequest(
  ctx: HandlerContext<FactorySettings, FactoryState>,
  request: CustomerAgentRequestedData,
): Promise<{ did: string }> {
  const { repo } = ctx.settings;
  if (repo === undefined || ctx.githubApp === undefined) {
    ctx.log.warn(
      { request: request.requestId },
      'a custom agent was requested, but FACTORY_REPO or the GitHub App is not configured; no issue opened',
    );
    return { did: 'ignored' };
  }
  const client = await ctx.githubApp.forRepository(repo.owner, repo.repo);
  const opened = await openRequestIssue({ client, ...repo }, request, await ctx.state.questionnaire);
  await ctx.emit({
    type: 'factory.custom_request.opened',
    subject: request.requestId,
    data: {
      requestId: request.requestId,
      organisationId: request.organisationId,
      agentId: opened.agentId,
      issue: opened.issue,
      url: opened.url,
    },
  });
  ctx.log.info({ request: request.requestId, issue: opened.issue, opened: opened.opened }, 'custom agent requested');
  return { did: opened.opened ? 'opened' : 'found' };
}

/** What the manifest wakes the Factory on: a questionnaire issue opened, edited or labelled, and comments. */
type IssueEvent = 'issues.opened' | 'issues.edited' | 'issues.labeled' | 'issue_comment.created';

/** The questionnaire and the templates ship with the platform: read once per run of the agent. */
interface FactoryState {
  questionnaire: Promise<Questionnaire>;
  templates: Promise<AgentTemplate[]>;
}

export default defineAgent({
  settings: factorySettings,
  setup: (): FactoryState => ({ questionnaire: loadQuestionnaire(), templates: loadTemplates() }),
  on: {
    'github.issues.*': { input: githubEvent<IssueEvent>(), handle: answerIssue },
    'github.issue_comment.created': { input: githubEvent<IssueEvent>(), handle: answerIssue },
    'customer.agent.requested': { input: customerAgentRequestedData, handle: answerAgentRequest },
  },
});
