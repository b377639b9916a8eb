import { ruleKinds } from '../kinds/index.ts';
import type { RulePack } from '../pack/rule-pack.ts';
import { inlineCode } from './inline-code.ts';

/** What a rule checks and why, for `/wowvision explain <rule>` and `wow review --explain`. */
export function explainRule(pack: RulePack, name: string): string {
  const rule = pack.rules.find((r) => r.name === name);
  // The name comes from whoever wrote the comment: quoted, it can neither mention nor link.
  if (rule === undefined)
    return `There is no rule ${inlineCode(name)} in this repository's pack. Its rules: ${pack.rules.map((r) => r.name).join(', ') || 'none'}.`;
  const kind = ruleKinds.get(rule.kind);
  return [
    `**${rule.name}** (${rule.kind}, ${rule.severity}): ${kind?.summary ?? ''}`,
    rule.because === undefined ? '' : `Why: ${rule.because}`,
    rule.fix === undefined ? '' : `How to fix: ${rule.fix}`,
    `Defined in ${rule.source}.`,
  ]
    .filter(Boolean)
    .join('\n\n');
}
