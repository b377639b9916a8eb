import { parseManifest } from '#platform';
import { isMap, isScalar, parseDocument, type Range } from 'yaml';
import { createError } from '../errors.ts';
import type { ScalingBounds } from '../sampling/take-samples.ts';

const keys = ['minReplicas', 'maxReplicas', 'pendingPerReplica'] as const;

interface Splice {
  at: number;
  end: number;
  text: string;
}

/**
 * The text edits that set an existing `scaling:` mapping to `proposed`: each bound that
 * moves is replaced where its value stands (its comment stays), and a bound the block
 * leaves out is added as a line after its last one, at its indentation. A flow mapping
 * (`scaling: { … }`) is written again whole, in flow style.
 */
function blockSplices(
  text: string,
  block: unknown,
  proposed: ScalingBounds,
  refuse: (problem: string) => Error,
): Splice[] {
  if (!isMap(block) || block.range === undefined || block.range === null)
    throw refuse('its `scaling:` is not a mapping');
  if (block.flow === true) {
    const merged = { ...proposed };
    return [
      { at: block.range[0], end: block.range[1], text: `{ ${keys.map((k) => `${k}: ${merged[k]}`).join(', ')} }` },
    ];
  }
  const splices: Splice[] = [];
  const missing: string[] = [];
  for (const key of keys) {
    const node = block.get(key, true);
    if (node === undefined) missing.push(`${key}: ${proposed[key]}`);
    else if (!isScalar(node) || node.range === undefined || node.range === null)
      throw refuse(`its scaling.${key} is not a plain value`);
    else if (node.value !== proposed[key])
      splices.push({ at: node.range[0], end: node.range[1], text: String(proposed[key]) });
  }
  if (missing.length > 0) {
    const first = block.items[0]?.key;
    const last = block.items.at(-1)?.value;
    const firstRange: Range | null | undefined = isScalar(first) ? first.range : undefined;
    const lastRange: Range | null | undefined = isScalar(last) ? last.range : undefined;
    if (firstRange === undefined || firstRange === null || lastRange === undefined || lastRange === null)
      throw refuse('its `scaling:` has a bound that is not a plain value');
    const indent = ' '.repeat(firstRange[0] - (text.lastIndexOf('\n', firstRange[0]) + 1));
    const lineEnd = text.indexOf('\n', lastRange[1]);
    const at = lineEnd === -1 ? text.length : lineEnd + 1;
    const lines = missing.map((line) => `${indent}${line}\n`).join('');
    splices.push({ at, end: at, text: lineEnd === -1 ? `\n${lines}` : lines });
  }
  return splices;
}

/**
 * `agent.yml` with its `scaling:` block set to `proposed`, and not one other character
 * changed: the document (yaml's Document API) says where the block and each bound stand,
 * and only those spans are rewritten, so comments, order, quoting and the flow style
 * Prettier gives other keys stay as they were. A manifest without the block gets it at its
 * end, with a comment saying where it came from. The result must still be a valid manifest
 * of `folder`, or this throws with its problems.
 */
export function editScalingBlock(text: string, folder: string, proposed: ScalingBounds, why: string): string {
  const doc = parseDocument(text);
  const path = `agents/${folder}/agent.yml`;
  const refuse = (problem: string) => createError('WOW_ERR_SCALING_MANIFEST', { path, problem });
  if (doc.errors.length > 0) throw refuse(`it does not parse (${doc.errors[0]?.message.split('\n')[0] ?? ''})`);
  if (!isMap(doc.contents)) throw refuse('it is not a mapping');
  let edited: string;
  if (doc.contents.has('scaling')) {
    const splices = blockSplices(text, doc.contents.get('scaling', true), proposed, refuse);
    edited = splices
      .sort((a, b) => b.at - a.at)
      .reduce((out, s) => out.slice(0, s.at) + s.text + out.slice(s.end), text);
  } else {
    const comment = `# How KEDA scales the agent (wow infra k8s): ${why.replace(/\s+/g, ' ')}\n`;
    const block = `scaling:\n${keys.map((k) => `  ${k}: ${proposed[k]}\n`).join('')}`;
    edited = `${text}${text.endsWith('\n') || text === '' ? '' : '\n'}${comment}${block}`;
  }
  const checked = parseManifest(edited, path, folder);
  if ('problems' in checked) throw refuse(`the edited manifest would not be valid: ${checked.problems.join('; ')}`);
  return edited;
}
