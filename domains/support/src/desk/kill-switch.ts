import { readSql, type PgQueryable } from '#platform';

const sql = {
  selectSetting: readSql(import.meta.url, 'select-setting'),
  upsertSetting: readSql(import.meta.url, 'upsert-setting'),
};

export interface KillSwitch {
  on: boolean;
  by: string | null;
  at: string | null;
}

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

export async function setKillSwitch(db: PgQueryable, on: boolean, by: string): Promise<void> {
  await db.query(sql.upsertSetting, ['kill_switch', JSON.stringify({ on }), by]);
}
