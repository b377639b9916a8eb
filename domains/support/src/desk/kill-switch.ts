import { readSql, type AgentCache, type PgQueryable } from '#platform';

const sql = {
  selectSetting: readSql(import.meta.url, 'select-setting'),
  upsertSetting: readSql(import.meta.url, 'upsert-setting'),
};

export interface KillSwitch {
  on: boolean;
  by: string | null;
  at: string | null;
}

/**
 * The tag of every cached read of the desk's settings (support_settings). Whatever writes
 * that table drops the tag, in each agent's namespace that reads it: `wow support
 * kill-switch` does, through Redis (cli/forget-cached.ts).
 */
export const deskSettingsTag = 'support-settings';

/**
 * How long a process may answer the kill switch from its cache. A change reaches every
 * process at once through Redis; on the in-process bus, where another process (the CLI)
 * cannot reach this one's cache, it is seen within this (times WowCache's TTL factor).
 */
const killSwitchTtlSeconds = 5;

/** The desk-wide stop: while on, nothing is sent to customers or GitHub and nothing answers automatically. */
export async function killSwitch(db: PgQueryable): Promise<KillSwitch> {
  const row = (
    await db.query<{ value: { on?: boolean }; updated_by: string; updated_at: Date }>(sql.selectSetting, [
      'kill_switch',
    ])
  ).rows[0];
  return row === undefined
    ? { on: false, by: null, at: null }
    : { on: row.value.on === true, by: row.updated_by, at: new Date(row.updated_at).toISOString() };
}

/**
 * The kill switch through the agent's cache (`ctx.cache`): the desk reads it on every
 * ticket event, in WowSupport's tiers and in each of WowNotification's syncs and deliveries,
 * and it changes only when a person turns it.
 */
export function cachedKillSwitch(cache: Pick<AgentCache, 'getOrSet'>, db: PgQueryable): Promise<KillSwitch> {
  return cache.getOrSet('support:kill-switch', { ttl: killSwitchTtlSeconds, tags: [deskSettingsTag] }, () =>
    killSwitch(db),
  );
}

/** Turns the kill switch; the caller then drops `deskSettingsTag` where agents cache it (cli/forget-cached.ts). */
export async function setKillSwitch(db: PgQueryable, on: boolean, by: string): Promise<void> {
  await db.query(sql.upsertSetting, ['kill_switch', JSON.stringify({ on }), by]);
}
