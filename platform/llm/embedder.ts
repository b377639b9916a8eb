/** A model that turns texts into vectors; only vectors of the same `model` are compared. */
export interface Embedder {
  model: string;
  /** One vector per text, in order. */
  embed(texts: readonly string[]): Promise<number[][]>;
}

/** pgvector's text form of a vector: '[0.1,0.2]'. */
export const vectorText = (v: readonly number[]) => `[${v.join(',')}]`;

/** What a model reads of a text: its start (models take a few thousand tokens, and a question or an article's start says what it is about). */
export const embeddingTextMaxLength = 8_000;
