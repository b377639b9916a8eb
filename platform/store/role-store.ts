import type { PgQueryable, Store } from './store.ts';

/** A store whose statements run as one PostgreSQL role, over the platform's connections. */
export interface RoleStore extends Store {
  /**
   * Runs `fn` as the role inside `tx`, a transaction the platform opened: what the
   * platform does in it before and after stays the platform's (`ctx.once` records its key).
   */
  within<T>(tx: PgQueryable, fn: (tx: PgQueryable) => Promise<T>): Promise<T>;
}

export interface RoleStoreOptions {
  /** The role's name, as `create role` made it (quoted here). */
  role: string;
  /** Runs every statement: it may refuse one, or map the error PostgreSQL raised. */
  guard: <T>(statement: () => Promise<T>) => Promise<T>;
}

/** One transaction's connection as the role sees it, and whether the role is set on it now. */
interface RoleTransaction {
  raw: PgQueryable;
  setRole: string;
  inRole: boolean;
  /** Statements in order, so a step out of the role (`asPlatform`) is never interleaved with the role's own. */
  serial<T>(step: () => Promise<T>): Promise<T>;
}

// What asPlatform recognises: the role's transactions and stores, and the platform's behind them.
const transactions = new WeakMap<PgQueryable, RoleTransaction>();
const platformStores = new WeakMap<PgQueryable, Store>();

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

function roleTransaction(raw: PgQueryable, role: string, guard: RoleStoreOptions['guard']): PgQueryable {
  let queue: Promise<unknown> = Promise.resolve();
  const state: RoleTransaction = {
    raw,
    setRole: `set local role ${quoteIdent(role)}`,
    inRole: false,
    serial(step) {
      const run = queue.then(step, step);
      // The queue only orders; each caller gets its own statement's outcome from `run`.
      queue = run.then(
        () => undefined,
        () => undefined,
      );
      return run;
    },
  };
  const view: PgQueryable = {
    query: (text, values) =>
      state.serial(() =>
        // Guarded from the first statement: a refusal comes before anything reaches the server.
        guard(async () => {
          // `set local`: the role ends with the transaction, so a pooled connection never keeps it.
          if (!state.inRole) await raw.query(state.setRole);
          state.inRole = true;
          return raw.query(text, values);
        }),
      ),
  };
  transactions.set(view, state);
  return view;
}

/**
 * A Store over `base` whose every statement runs as `role`, each inside a transaction
 * that sets the role locally. What the role may touch is PostgreSQL's to decide (its
 * grants); `guard` names the refusal. The platform keeps `base`, unrestricted.
 */
export function createRoleStore(base: Store, opts: RoleStoreOptions): RoleStore {
  const { role, guard } = opts;
  const within: RoleStore['within'] = async (tx, fn) => {
    const view = roleTransaction(tx, role, guard);
    const result = await fn(view);
    const state = transactions.get(view);
    // Back to the platform for what follows in its transaction. A failure rolls the whole
    // transaction back, so nothing runs after it in either role.
    await state?.serial(async () => {
      if (state.inRole) await tx.query('set local role none');
      state.inRole = false;
    });
    return result;
  };
  // A transaction of the role's own ends in its commit, which ends the role too.
  const own = <T>(fn: (tx: PgQueryable) => Promise<T>) =>
    base.transaction((tx) => fn(roleTransaction(tx, role, guard)));
  const store: RoleStore = {
    kind: base.kind,
    location: base.location,
    query: (text, values) => own((tx) => tx.query(text, values)),
    transaction: own,
    async session(fn) {
      return base.session(async (conn) => {
        // A session may open transactions of its own, so the role is the session's until it ends.
        let inRole = false;
        const query: PgQueryable['query'] = (text, values) =>
          guard(async () => {
            if (!inRole) await conn.query(`set role ${quoteIdent(role)}`);
            inRole = true;
            return conn.query(text, values);
          });
        try {
          return await fn({ query });
        } finally {
          if (inRole) await conn.query('reset role');
        }
      });
    },
    ping: () => base.ping(),
    // The connections are the platform's: the role's view of them has nothing of its own to close.
    close: () => Promise.resolve(),
    within,
  };
  platformStores.set(store, base);
  return store;
}

/**
 * Runs platform code (the outbox, the registry) on `db` as the platform: a role's
 * transaction steps out of the role for `fn` and back in for its next statement, in the
 * same transaction; a role's store gives way to the platform's; anything else is the
 * platform's already.
 */
export async function asPlatform<T>(db: PgQueryable, fn: (db: PgQueryable) => Promise<T>): Promise<T> {
  const platform = platformStores.get(db);
  if (platform !== undefined) return fn(platform);
  const state = transactions.get(db);
  if (state === undefined) return fn(db);
  return state.serial(async () => {
    if (state.inRole) await state.raw.query('set local role none');
    state.inRole = false;
    return fn(state.raw);
  });
}
