import { createError } from '../errors.ts';

const patternForm = /^(\*|[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*(\.\*)?)$/;

/**
 * A question's type filter as SQL: `*` every type, "<prefix>.*" each type under the prefix
 * (any depth, as a wakesOn pattern, though also wider than a topic: "github.*"), else one
 * exact type. Matched with `starts_with`, not LIKE, so an underscore is only itself.
 */
export function typeCondition(pattern: string, param: number): { sql: string; value: string | undefined } {
  if (pattern.length > 200 || !patternForm.test(pattern))
    throw createError('WOW_ERR_EVENT_PATTERN', { pattern: pattern.slice(0, 200) });
  if (pattern === '*') return { sql: 'true', value: undefined };
  if (pattern.endsWith('.*')) return { sql: `starts_with(event_type, $${param})`, value: pattern.slice(0, -1) };
  if (!pattern.includes('.')) throw createError('WOW_ERR_EVENT_PATTERN', { pattern });
  return { sql: `event_type = $${param}`, value: pattern };
}

/** The same test in memory, for what is read from a stream rather than the archive. */
export function patternMatches(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  return pattern.endsWith('.*') ? type.startsWith(pattern.slice(0, -1)) : type === pattern;
}

/** Whether a topic's stream may hold events of `pattern` (checked before any entry is read). */
export function topicMayMatch(pattern: string, topic: string): boolean {
  if (pattern === '*') return true;
  const base = pattern.endsWith('.*') ? pattern.slice(0, -2) : pattern;
  return base === topic || base.startsWith(`${topic}.`) || topic.startsWith(`${base}.`);
}
