import type { RepoSnapshot } from '../../../wowvision/src/index.ts';
import type { Answers } from '../questionnaire/parse-issue-body.ts';
import type { Questionnaire } from '../questionnaire/questionnaire.ts';
import { validateAnswers, type AgentRequest, type AnswerProblem, type PlatformFacts } from '../questionnaire/validate-answers.ts';
import { templateForTier, type AgentTemplate } from './agent-template.ts';
import { gateGeneratedFiles, type GateResult } from './gate-generated-files.ts';
import { generateAgent, type GeneratedAgent } from './generate-agent.ts';

export type NewAgentPlan =
  | { did: 'invalid'; problems: AnswerProblem[] }
  | { did: 'blocked' | 'ready'; request: AgentRequest; generated: GeneratedAgent; gate: GateResult };

/**
 * The one engine every door calls: answers → validation → the template's files and the
 * structured edits against `base` → the gate (the target's WowVision rules, and a
 * typecheck where a checkout is at hand). `ready` means the files may be written or pushed.
 */
export async function planNewAgent(input: { answers: Answers; questionnaire: Questionnaire; facts: PlatformFacts; templates: readonly AgentTemplate[]; base: RepoSnapshot; typecheckRoot?: string | undefined }): Promise<NewAgentPlan> {
  const checked = validateAnswers(input.answers, input.questionnaire, input.facts);
  if ('problems' in checked) return { did: 'invalid', problems: checked.problems };
  const { request } = checked;
  const { base } = input;
  const generated = await generateAgent({
    request,
    answers: input.answers,
    template: templateForTier(input.templates, request.tier),
    questionnaire: input.questionnaire,
    repo: { has: (p) => base.blobs.has(p), paths: () => base.blobs.keys(), read: (p) => base.read(p) },
  });
  const gate = await gateGeneratedFiles({ base, files: generated.files, typecheckRoot: input.typecheckRoot });
  return { did: gate.passed ? 'ready' : 'blocked', request, generated, gate };
}
