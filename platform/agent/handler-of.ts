import { typeMatches } from '../bus/envelope.ts';
import type { EventHandler } from './define-agent.ts';

/** The handler for `type`: an exact key first, then the most specific pattern. */
export function handlerOf(
  on: Readonly<Record<string, EventHandler<unknown, unknown, never>>>,
  type: string,
): EventHandler<unknown, unknown, unknown> | undefined {
  const exact = on[type];
  if (exact !== undefined) return exact;
  const pattern = Object.keys(on)
    .filter((key) => typeMatches(key, type))
    .sort((a, b) => b.length - a.length)[0];
  return pattern === undefined ? undefined : on[pattern];
}
