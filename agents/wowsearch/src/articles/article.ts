/** A knowledge-base article, as written in Markdown and stored in kb_articles. */
export interface Article {
  /** Its id for good: answers cite it as `kb:<slug>`. */
  slug: string;
  title: string;
  body: string;
  /** What kind of question it answers; WowSupport's L1 answers alone only for allow-listed intents. */
  intent: string;
}
