import type { Embedder } from '#platform';

const concepts = [
  ['password', 'sign', 'login', 'locked'],
  ['invoice', 'billing', 'refund'],
  ['webhook', 'signature', 'hmac'],
  ['agent', 'offline', 'heartbeat'],
];

/** A text's vector as conceptEmbedder makes it: how many of each concept's words it uses. */
export function conceptVector(text: string): number[] {
  const words = text.toLowerCase().split(/[^a-z]+/);
  return concepts.map((c) => words.filter((w) => c.some((k) => w.startsWith(k))).length + 0.01);
}

/**
 * A stand-in for an embedding model, only for the vector path's plumbing: each dimension
 * is a concept, and a text's vector counts the words it uses for each.
 */
export const conceptEmbedder: Embedder = {
  model: 'test-concepts',
  embed: (texts) => Promise.resolve(texts.map(conceptVector)),
};
