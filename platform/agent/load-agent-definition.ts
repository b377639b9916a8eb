import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { typeMatches } from '../bus/envelope.ts';
import { createError } from '../errors/errors.ts';
import { assertStoresMatchMigrations } from './assert-stores-match.ts';
import type { AgentDefinition } from './define-agent.ts';
import type { AgentManifest } from './manifest-schema.ts';

const minIntervalMs = 100;

/**
 * Imports `<dir>/src/index.ts`, checks that it default-exports `defineAgent({...})`, and
 * that its code and its manifest agree: every type the manifest wakes on has a handler in
 * `on`, every key of `on` can be delivered, every type it `answers` has a handler with
 * `input` and `output` schemas, and `stores` lists exactly the tables its
 * migrations create. A mismatch fails at start, never at the first event.
 */
export async function loadAgentDefinition(
  manifest: Pick<AgentManifest, 'id' | 'wakesOn' | 'stores' | 'answers'>,
  dir: string,
): Promise<AgentDefinition<unknown, unknown>> {
  const { id } = manifest;
  await assertStoresMatchMigrations(manifest, dir);
  const entry = join(dir, 'src', 'index.ts');
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(entry).href)) as { default?: unknown };
  } catch (err) {
    const missing =
      (err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && (err as Error).message.includes(entry);
    throw createError(
      'WOW_ERR_AGENT_ENTRY',
      {
        id,
        problem: missing
          ? `${entry} is missing; create it and export default defineAgent({ on: { … } })`
          : `${entry} failed to load: ${(err as Error).message}`,
      },
      { cause: err },
    );
  }
  const definition = mod.default as AgentDefinition<unknown, unknown> | undefined;
  const has = (key: string) =>
    definition !== null && typeof definition === 'object' && (definition as Record<string, unknown>)[key] !== undefined;
  // An agent written for the first model (one `handle(ctx, event)`, `start`) is told how to move.
  if (has('handle') || has('start'))
    throw createError('WOW_ERR_AGENT_ENTRY', {
      id,
      problem:
        '`handle(ctx, event)` and `start` are gone: give each type its handler in ' +
        "`on: { '<type>': { input, handle(ctx, data) } }`, and build state in `setup(ctx)`",
    });
  if (!has('on') && !has('every'))
    throw createError('WOW_ERR_AGENT_ENTRY', {
      id,
      problem: `${entry} must \`export default defineAgent({ on: { '<type>': { handle(ctx, data) { … } } } })\``,
    });
  const agent = definition as AgentDefinition<unknown, unknown>;
  checkHandlers(id, manifest.wakesOn, agent);
  checkAnswers(id, Object.keys(manifest.answers ?? {}), agent);
  for (const [name, schedule] of Object.entries(agent.every ?? {}))
    if (typeof schedule.interval === 'number') checkInterval(id, name, schedule.interval);
  return agent;
}

/**
 * A schedule runs every `intervalMs` (at least the minimum), or never with 0: a setting
 * of 0 turns a schedule off. A fixed interval is checked at load, one read from settings at start.
 */
export function checkInterval(id: string, name: string, intervalMs: number): void {
  if (intervalMs === 0) return;
  if (!Number.isFinite(intervalMs) || intervalMs < minIntervalMs)
    throw createError('WOW_ERR_AGENT_ENTRY', {
      id,
      problem: `every.${name}.interval must be milliseconds, at least ${minIntervalMs} (or 0: off); got ${String(intervalMs)}`,
    });
}

function checkHandlers(id: string, wakesOn: readonly string[], agent: AgentDefinition<unknown, unknown>): void {
  const keys = Object.keys(agent.on ?? {});
  // A type is handled by its own key or a pattern covering it; a pattern by itself or a wider one.
  const unhandled = wakesOn.filter((w) => !keys.some((k) => k === w || typeMatches(k, w)));
  // A key is delivered when the manifest wakes on it, on a pattern covering it, or on a type its pattern covers.
  const undelivered = keys.filter((k) => !wakesOn.some((w) => w === k || typeMatches(w, k) || typeMatches(k, w)));
  const problems = [
    ...unhandled.map((w) => `agent.yml wakes it on "${w}" but \`on\` has no handler for it`),
    ...undelivered.map((k) => `\`on\` handles "${k}" but agent.yml's wakesOn does not list it, so it never arrives`),
  ];
  if (problems.length > 0) throw createError('WOW_ERR_AGENT_ENTRY', { id, problem: problems.join('; ') });
}

/** A type the manifest answers is a protocol: its handler says what it takes and what it replies. */
function checkAnswers(id: string, answers: readonly string[], agent: AgentDefinition<unknown, unknown>): void {
  const problems = answers.flatMap((type) => {
    const handler = agent.on?.[type];
    if (handler === undefined)
      return [`agent.yml answers "${type}" but \`on\` has no handler keyed by exactly that type`];
    return handler.input === undefined || handler.output === undefined
      ? [
          `agent.yml answers "${type}" but its handler lacks ${handler.input === undefined ? '`input`' : '`output`'}: give it both, e.g. \`'${type}': answering(protocol, handle)\``,
        ]
      : [];
  });
  if (problems.length > 0) throw createError('WOW_ERR_AGENT_ENTRY', { id, problem: problems.join('; ') });
}
