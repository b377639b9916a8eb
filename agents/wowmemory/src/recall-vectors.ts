import {
  embeddingTextMaxLength,
  isWowError,
  vectorText,
  type Embedder,
  type Logger,
  type PgQueryable,
} from '#platform';

/** Memory's side of an embedding model: the vectors of recall's texts, where pgvector exists. */
export interface RecallVectors {
  /** The model whose vectors these are; undefined: recall is by words alone. */
  readonly model: string | undefined;
  /** The text's vector in pgvector's text form, or undefined: no model, no pgvector, or the model failed. */
  of(text: string): Promise<string | undefined>;
}

/**
 * A model that fails (WOW_ERR_EMBEDDINGS) is logged and the entry kept without a vector,
 * as the knowledge base goes on by words: memory never refuses a write, nor recall fails,
 * because a model is down. Whether pgvector exists is read once, from memory_features.
 */
export function createRecallVectors(
  db: PgQueryable,
  embedder: Embedder | undefined,
  log: Logger | undefined,
): RecallVectors {
  let vector: Promise<boolean> | undefined;
  const hasVector = () =>
    (vector ??= db.query("select 1 from memory_features where feature = 'vector'").then(
      (r) => r.rows.length > 0,
      (err: unknown) => {
        vector = undefined;
        throw err;
      },
    ));
  return {
    model: embedder?.model,
    async of(text) {
      if (embedder === undefined || !(await hasVector())) return undefined;
      try {
        const [embedding] = await embedder.embed([text.slice(0, embeddingTextMaxLength)]);
        return embedding === undefined ? undefined : vectorText(embedding);
      } catch (err) {
        if (!isWowError(err, 'WOW_ERR_EMBEDDINGS')) throw err;
        log?.warn({ err: { message: err.message } }, 'memory: the embedding model failed; recalling by words');
        return undefined;
      }
    },
  };
}
