/**
 * The smallest interface we call on PostgreSQL (house rule 6). `pg.Pool`, `pg.PoolClient`
 * and test fakes satisfy it as they are.
 */
export interface PgQueryable {
  // R types the rows for the caller; pg cannot check it, so it is a declaration, not an inference.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
  query<R extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ): Promise<{ rows: R[]; rowCount: number | null }>;
}

/** The platform's PostgreSQL: a real server through `pg`, or the embedded PGlite served over the wire. */
export interface Store extends PgQueryable {
  readonly kind: 'postgres' | 'embedded';
  /** Where it lives, without credentials: safe to log. */
  readonly location: string;
  /** Runs `fn` in one transaction on one connection; commits if it resolves, rolls back if it throws. */
  transaction<T>(fn: (tx: PgQueryable) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` on one connection held for its whole duration, outside any transaction the
   * caller does not open itself (session-level advisory locks need this).
   */
  session<T>(fn: (conn: PgQueryable) => Promise<T>): Promise<T>;
  /**
   * The embedded database owned by this process only: its data directory as a gzipped
   * tar, taken between statements (PGlite's own backup format; `wow db backup` uses it).
   */
  dumpDataDir?(): Promise<Blob>;
  /** Resolves when a `select 1` round-trips. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
