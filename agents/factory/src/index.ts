// The Factory's public entry: the agent the runtime hosts (questionnaire issues from the
// bus) and the questionnaire's engine (issue form, parser, validation) for the CLI.
import { defineAgent, githubDelivery } from '../../runtime/src/index.ts';
import { checkQuestionnaireIssue } from './github/check-questionnaire-issue.ts';
import { platformFacts } from './questionnaire/platform-facts.ts';
import { loadQuestionnaire } from './questionnaire/questionnaire.ts';

export { loadQuestionnaire, questionnaireFile, type Question, type Questionnaire } from './questionnaire/questionnaire.ts';
export { renderIssueForm } from './questionnaire/render-issue-form.ts';
export { parseIssueBody, type Answers, type ParsedBody } from './questionnaire/parse-issue-body.ts';
export { validateAnswers, reservedIds, type AgentRequest, type AnswerProblem, type PlatformFacts } from './questionnaire/validate-answers.ts';
export { platformFacts } from './questionnaire/platform-facts.ts';
export { loadTemplates, loadTemplate, templateForTier, templatesDir, type AgentTemplate } from './generate/agent-template.ts';
export { readAnswersFile, writeAnswersFile } from './generate/answers-file.ts';
export { generateAgent, renderAgentFiles, answersPath, type GeneratedAgent, type RepoFiles } from './generate/generate-agent.ts';
export { gateGeneratedFiles, type GateResult } from './generate/gate-generated-files.ts';
export { typecheckFiles, type TypeProblem } from './generate/typecheck-files.ts';
export { planNewAgent, type NewAgentPlan } from './generate/plan-new-agent.ts';
export { regenerateAgent, type RegenFile, type RegenPlan } from './generate/regenerate-agent.ts';
export { mergeThreeWay, type FileMerge } from './generate/merge-three-way.ts';
export { unifiedDiff } from './generate/unified-diff.ts';
export { upsertCatalogueRow, cataloguePath } from './generate/agent-catalogue.ts';
export { checkQuestionnaireIssue, type IssuePayload, type QuestionnaireOutcome } from './github/check-questionnaire-issue.ts';


// The questionnaire ships with the platform: read once per process. The agents (and what
// they emit) change with deploys, so those are read per event.
let questionnaire: ReturnType<typeof loadQuestionnaire> | undefined;

export default defineAgent({
  input: { 'github.issues.*': githubDelivery },
  async handle(ctx, event) {
    const delivery = githubDelivery.parse(event.data);
    if (ctx.github === undefined || delivery.installationId === undefined) {
      ctx.log.warn({ event: event.type }, 'the Factory needs the GitHub App credentials and an installation to answer questionnaires; skipped');
      return { did: 'ignored' };
    }
    const outcome = await checkQuestionnaireIssue(ctx.github.forInstallation(delivery.installationId), delivery.payload, await (questionnaire ??= loadQuestionnaire()), await platformFacts(ctx.config.agents.dir));
    if (outcome.did !== 'ignored') {
      await ctx.emit({ type: 'factory.questionnaire.checked', data: { issue: outcome.issue, valid: outcome.did === 'valid', problems: outcome.did === 'invalid' ? outcome.problems.length : 0, ...(outcome.did === 'valid' ? { agentId: outcome.request.id } : {}) } });
    }
    ctx.log.info({ outcome: outcome.did, ...('why' in outcome ? { why: outcome.why } : {}) }, 'the Factory handled the issue');
    return { did: outcome.did };
  },
});
