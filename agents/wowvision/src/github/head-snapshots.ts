import { defaultTarballLimits, type SizedSnapshot } from '../repo/read-tarball.ts';

/**
 * The heads' contents one process holds, bounded across the process (it also serves other
 * agents): at most `inUse` heads downloaded or under review at once, a review past that
 * waiting for a slot; and finished heads kept for reruns only while they add up to at most
 * `keptBytes`, the oldest let go first. Each head is itself capped (WOWVISION_TARBALL_MAX_BYTES),
 * so the process holds at most `keptBytes` plus `inUse` heads.
 */
export interface HeadSnapshots {
  /**
   * Runs `use` on the head `key`, loading it with `load` unless it is kept or already being
   * loaded; the slot is held until `use` settles.
   */
  use<T>(key: string, load: () => Promise<SizedSnapshot>, use: (head: SizedSnapshot) => Promise<T>): Promise<T>;
  /** For metrics and tests: heads in use, reviews waiting for a slot, heads kept and their bytes. */
  stats(): { inUse: number; waiting: number; kept: number; keptBytes: number };
}

export interface HeadSnapshotsOptions {
  /** Default: the default WOWVISION_TARBALL_MAX_BYTES, one largest head. */
  keptBytes?: number;
  /** Default: 2. */
  inUse?: number;
}

export function createHeadSnapshots(options: HeadSnapshotsOptions = {}): HeadSnapshots {
  const keptBytes = options.keptBytes ?? defaultTarballLimits.maxBytes;
  const slots = options.inUse ?? 2;
  const kept = new Map<string, SizedSnapshot>();
  const loading = new Map<string, Promise<SizedSnapshot>>();
  const waiting: (() => void)[] = [];
  let inUse = 0;

  const acquire = async (): Promise<void> => {
    if (inUse < slots) {
      inUse++;
      return;
    }
    // A released slot passes straight to the first waiter, so `inUse` never drops in between.
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next === undefined) inUse--;
    else next();
  };
  const keep = (key: string, head: SizedSnapshot): void => {
    kept.delete(key);
    if (head.bytes > keptBytes) return;
    kept.set(key, head);
    let total = [...kept.values()].reduce((sum, h) => sum + h.bytes, 0);
    for (const [oldKey, old] of kept) {
      if (total <= keptBytes) break;
      kept.delete(oldKey);
      total -= old.bytes;
    }
  };

  return {
    async use(key, load, use) {
      await acquire();
      try {
        let head = kept.get(key);
        if (head === undefined) {
          let pending = loading.get(key);
          if (pending === undefined) {
            pending = load();
            loading.set(key, pending);
            void pending.then(
              () => loading.delete(key),
              () => loading.delete(key),
            );
          }
          head = await pending;
        }
        keep(key, head);
        return await use(head);
      } finally {
        release();
      }
    },
    stats: () => ({
      inUse,
      waiting: waiting.length,
      kept: kept.size,
      keptBytes: [...kept.values()].reduce((sum, h) => sum + h.bytes, 0),
    }),
  };
}
