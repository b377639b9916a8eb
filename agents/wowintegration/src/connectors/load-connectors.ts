import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseYamlWith } from '#platform/yaml';
import { createError } from '../errors.ts';
import { connectorSchema, type Connector } from './connector.ts';

const maxFileBytes = 64 * 1024;

/**
 * Every `<dir>/<name>/connector.yml`, checked: each problem as file:line:column, and a
 * connector whose name is not its folder's. A folder without connector.yml is not a
 * connector. Nothing loads unless everything does.
 */
export async function loadConnectors(dir: string): Promise<Connector[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  });
  const connectors: Connector[] = [];
  const problems: string[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const file = join(dir, entry.name, 'connector.yml');
    const text = await readFile(file, 'utf8').catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    });
    if (text === undefined) continue;
    if (Buffer.byteLength(text) > maxFileBytes) {
      problems.push(`${file}:1:1 (root): over ${maxFileBytes} bytes`);
      continue;
    }
    const parsed = parseYamlWith(connectorSchema, text, file);
    if ('problems' in parsed) problems.push(...parsed.problems);
    else if (parsed.value.name !== entry.name)
      problems.push(`${file}:1:1 name: "${parsed.value.name}" must be the folder's name, "${entry.name}"`);
    else connectors.push(parsed.value);
  }
  if (problems.length > 0) throw createError('WOW_ERR_CONNECTOR_INVALID', { dir, problems: problems.join('\n') });
  return connectors;
}

export function getConnector(connectors: readonly Connector[], name: string, dir: string): Connector {
  const found = connectors.find((c) => c.name === name);
  if (found === undefined)
    throw createError('WOW_ERR_CONNECTOR_NOT_FOUND', {
      name,
      dir,
      known: connectors.map((c) => c.name).join(', ') || 'none',
    });
  return found;
}
