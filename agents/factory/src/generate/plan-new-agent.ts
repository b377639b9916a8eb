import type { RepoSnapshot } from '../../../wowvision/src/index.ts';
import type { Answers } from '../questionnaire/parse-issue-body.ts';
import type { Questionnaire } from '../questionnaire/questionnaire.ts';
import {
  validateAnswers,
  type AgentRequest,
  type AnswerProblem,
  type PlatformFacts,
} from '../questionnaire/validate-answers.ts';
import { templateForTier, type AgentTemplate } from './agent-template.ts';
import { gateGeneratedFiles, type GateResult } from './gate-generated-files.ts';
import { generateAgent, type GeneratedAgent } from './generate-agent.ts';

/** `ready` means the files may be written or pushed. */
export interface BuiltAgent {
  did: 'blocked' | 'ready';
  request: AgentRequest;
  generated: GeneratedAgent;
  gate: GateResult;
}

export type NewAgentPlan = { did: 'invalid'; problems: AnswerProblem[] } | BuiltAgent;

interface Target {
  questionnaire: Questionnaire;
  templates: readonly AgentTemplate[];
  base: RepoSnapshot;
  typecheckRoot?: string | undefined;
}

/**
 * The one engine every door calls: answers → validation → the template's files and the
 * structured edits against `base` → the gate (the target's WowVision rules, and a
 * typecheck where a checkout is at hand).
 */
export async function planNewAgent(input: Target & { answers: Answers; facts: PlatformFacts }): Promise<NewAgentPlan> {
  const checked = validateAnswers(input.answers, input.questionnaire, input.facts);
  if ('problems' in checked) return { did: 'invalid', problems: checked.problems };
  return buildNewAgent({ ...input, request: checked.request });
}

/** Generation and the gate for answers already validated (the App validates first, to answer at once). */
export async function buildNewAgent(input: Target & { answers: Answers; request: AgentRequest }): Promise<BuiltAgent> {
  const { request } = input;
  const generated = await generateAgent({
    request,
    answers: input.answers,
    template: templateForTier(input.templates, request.tier, request.catalog !== undefined),
    questionnaire: input.questionnaire,
    repo: input.base,
  });
  const gate = await gateGeneratedFiles({
    base: input.base,
    files: generated.files,
    typecheckRoot: input.typecheckRoot,
  });
  return { did: gate.passed ? 'ready' : 'blocked', request, generated, gate };
}
