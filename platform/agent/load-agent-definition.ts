import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createError } from '../errors/error-codes.ts';
import type { AgentDefinition } from './define-agent.ts';

/** Imports `<dir>/src/index.ts` and checks that it default-exports `defineAgent({...})`. */
export async function loadAgentDefinition(id: string, dir: string): Promise<AgentDefinition> {
  const entry = join(dir, 'src', 'index.ts');
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(entry).href)) as { default?: unknown };
  } catch (err) {
    const missing =
      (err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && (err as Error).message.includes(entry);
    throw createError(
      'WOW_ERR_AGENT_ENTRY',
      [
        id,
        missing
          ? `${entry} is missing; create it and export default defineAgent({ handle })`
          : `${entry} failed to load: ${(err as Error).message}`,
      ],
      { cause: err },
    );
  }
  const definition = mod.default;
  if (
    typeof definition !== 'object' ||
    definition === null ||
    typeof (definition as { handle?: unknown }).handle !== 'function'
  ) {
    throw createError('WOW_ERR_AGENT_ENTRY', [
      id,
      `${entry} must \`export default defineAgent({ async handle(ctx, event) { … } })\``,
    ]);
  }
  return definition as AgentDefinition;
}
