import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parse as parseCel } from '@marcbachmann/cel-js';
import { parseYamlWith } from '#platform';
import { playbookSchema, type Playbook } from './playbook-schema.ts';

export interface LoadedPlaybook {
  file: string;
  playbook: Playbook;
}

const maxBytes = 64 * 1024;

/** One playbook file: the playbook, or every problem as "file:line:column field: problem". */
export function parsePlaybook(text: string, file: string): { playbook: Playbook } | { problems: string[] } {
  if (Buffer.byteLength(text) > maxBytes) return { problems: [`${file}:1:1 (root): larger than ${maxBytes} bytes`] };
  const parsed = parseYamlWith(playbookSchema, text, file);
  if ('problems' in parsed) return parsed;
  // Conditions are checked for syntax now, not when an incident first needs them.
  const problems: string[] = [];
  parsed.value.remedies.forEach((remedy, i) => {
    if (remedy.when === undefined) return;
    try {
      parseCel(remedy.when);
    } catch (err) {
      const { offset } = parsed.yaml.locate(['remedies', i, 'when']);
      const first = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
      problems.push(`${parsed.yaml.at(offset)} remedies[${i}].when: not a CEL expression: ${first}`);
    }
  });
  // A platform undo undoes its own action only: roll-forward a rollback, resume a suspension.
  const undoes = { 'roll-forward': 'rollback', resume: 'suspend' } as const;
  parsed.value.remedies.forEach((remedy, i) => {
    if (remedy.undo === undefined || !('platform' in remedy.undo)) return;
    const needs = undoes[remedy.undo.platform];
    if ('platform' in remedy.action && remedy.action.platform === needs) return;
    const { offset } = parsed.yaml.locate(['remedies', i, 'undo', 'platform']);
    problems.push(
      `${parsed.yaml.at(offset)} remedies[${i}].undo.platform: ${remedy.undo.platform} undoes only { platform: ${needs} }`,
    );
  });
  const ids = parsed.value.remedies.map((r) => r.id);
  ids.forEach((rid, i) => {
    if (ids.indexOf(rid) !== i)
      problems.push(
        `${parsed.yaml.at(parsed.yaml.locate(['remedies', i, 'id']).offset)} remedies[${i}].id: "${rid}" twice`,
      );
  });
  return problems.length > 0 ? { problems } : { playbook: parsed.value };
}

/** Every playbooks/*.yml under `dir`, sorted by file; all problems of all files, or the playbooks. */
export async function loadPlaybooks(
  dir: string,
  root: string = process.cwd(),
): Promise<{ playbooks: LoadedPlaybook[] } | { problems: string[] }> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => /\.ya?ml$/.test(n)).sort();
  const playbooks: LoadedPlaybook[] = [];
  const problems: string[] = [];
  for (const name of names) {
    const file = relative(root, join(dir, name)) || name;
    const parsed = parsePlaybook(await readFile(join(dir, name), 'utf8'), file);
    if ('problems' in parsed) problems.push(...parsed.problems);
    else if (playbooks.some((p) => p.playbook.id === parsed.playbook.id))
      problems.push(`${file}:1:1 id: "${parsed.playbook.id}" is another playbook's id too`);
    else playbooks.push({ file, playbook: parsed.playbook });
  }
  return problems.length > 0 ? { problems } : { playbooks };
}
