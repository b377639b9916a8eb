import { tokens } from './tokens.ts';

/** Okapi BM25's usual constants: term frequency saturates with k1, length normalises with b. */
export const bm25Defaults = { k1: 1.2, b: 0.75 } as const;

export interface Ranked {
  /** The document's index in the list given. */
  index: number;
  score: number;
  /** The query's stems that the document contains, in the query's order. */
  matched: string[];
}

/**
 * Ranks documents for a query with Okapi BM25: each query stem's inverse document frequency
 * ln(1 + (N − n + 0.5) / (n + 0.5)) times its saturated, length-normalised frequency
 * f·(k1 + 1) / (f + k1·(1 − b + b·|d| / avgdl)). Documents without a query stem are left out;
 * equal scores keep the documents' order, so the ranking is the same on every run.
 */
export function rankBm25(documents: readonly string[], query: string, params = bm25Defaults): Ranked[] {
  const docs = documents.map(tokens);
  const terms = [...new Set(tokens(query))];
  const n = docs.length;
  const avgdl = docs.reduce((sum, d) => sum + d.length, 0) / Math.max(n, 1);
  const frequency = docs.map((d) => {
    const f = new Map<string, number>();
    for (const t of d) f.set(t, (f.get(t) ?? 0) + 1);
    return f;
  });
  const idf = new Map(
    terms.map((t) => {
      const having = frequency.filter((f) => f.has(t)).length;
      return [t, Math.log(1 + (n - having + 0.5) / (having + 0.5))];
    }),
  );
  const ranked: Ranked[] = [];
  frequency.forEach((f, index) => {
    const matched = terms.filter((t) => f.has(t));
    if (matched.length === 0) return;
    const norm = params.k1 * (1 - params.b + (params.b * (docs[index]?.length ?? 0)) / (avgdl || 1));
    const score = matched.reduce((sum, t) => {
      const tf = f.get(t) ?? 0;
      return sum + ((idf.get(t) ?? 0) * tf * (params.k1 + 1)) / (tf + norm);
    }, 0);
    ranked.push({ index, score, matched });
  });
  return ranked.sort((a, b) => b.score - a.score || a.index - b.index);
}
