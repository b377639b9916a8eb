import { parseManifest } from '#platform';
import { isMap, isScalar, parseDocument } from 'yaml';
import type { ScalingBounds } from '../sampling/take-samples.ts';

const keys = ['minReplicas', 'maxReplicas', 'pendingPerReplica'] as const;

/**
 * `agent.yml` with its `scaling:` block set to `proposed`, and nothing else touched: the
 * document is edited in place (yaml's Document API), so comments, order and quoting stay
 * as they were. A block that exists gets only the bounds that change; a manifest without
 * one gets the whole block at its end, with a comment saying where it came from. The
 * result must still be a valid manifest of `folder`, or this throws with its problems.
 */
export function editScalingBlock(text: string, folder: string, proposed: ScalingBounds, why: string): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0)
    throw new Error(`agents/${folder}/agent.yml does not parse: ${doc.errors[0]?.message ?? ''}`);
  const block = doc.get('scaling', true);
  if (isMap(block)) {
    for (const key of keys) {
      const node = block.get(key, true);
      // The scalar keeps its own comment and style when only its value changes.
      if (isScalar(node)) {
        if (node.value !== proposed[key]) node.value = proposed[key];
      } else if (node !== proposed[key]) block.set(key, proposed[key]);
    }
  } else if (isMap(doc.contents)) {
    const key = doc.createNode('scaling');
    key.commentBefore = ` How KEDA scales the agent (wow infra k8s): ${why.replace(/\s+/g, ' ')}`;
    doc.set(key, doc.createNode({ ...proposed }));
  } else throw new Error(`agents/${folder}/agent.yml is not a mapping`);
  const edited = doc.toString({ lineWidth: 0 });
  const checked = parseManifest(edited, `agents/${folder}/agent.yml`, folder);
  if ('problems' in checked) throw new Error(`the edited manifest is not valid: ${checked.problems.join('; ')}`);
  return edited;
}
