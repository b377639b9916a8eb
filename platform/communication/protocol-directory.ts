import type { AgentManifest } from '../agent/manifest-schema.ts';

/** What the agent answering a request type offers its callers (its `answers:` entry). */
export interface AnswerTerms {
  /** The answering agent. */
  agent: string;
  timeoutMs: number;
  /** The longest a caller may ask to wait: declared, else three times the default, at most 5 minutes. */
  maxTimeoutMs: number;
  concurrency: number;
  queue: number;
}

/**
 * Who answers which request type, from the manifests a runtime knows (its agents folder,
 * and deployed versions as they load): what `ctx.request` checks a type against and takes
 * its timeout and bulkhead from.
 */
export interface ProtocolDirectory {
  terms(type: string): AnswerTerms | undefined;
  /** Adds (or replaces, for a new version) what `manifest` answers. */
  add(manifest: Pick<AgentManifest, 'id' | 'answers'>): void;
  /** Every answered type, sorted. */
  types(): string[];
}

export function createProtocolDirectory(
  manifests: readonly Pick<AgentManifest, 'id' | 'answers'>[] = [],
): ProtocolDirectory {
  const byType = new Map<string, AnswerTerms>();
  const add = (manifest: Pick<AgentManifest, 'id' | 'answers'>) => {
    for (const [type, t] of Object.entries(manifest.answers ?? {}))
      byType.set(type, {
        agent: manifest.id,
        timeoutMs: t.timeoutMs,
        maxTimeoutMs: t.maxTimeoutMs ?? Math.min(300_000, t.timeoutMs * 3),
        concurrency: t.concurrency,
        queue: t.queue,
      });
  };
  for (const manifest of manifests) add(manifest);
  return {
    terms: (type) => byType.get(type),
    add,
    types: () => [...byType.keys()].sort(),
  };
}
