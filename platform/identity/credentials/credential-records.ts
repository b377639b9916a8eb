import { readSql } from '../../store/read-sql.ts';
import type { PgQueryable } from '../../store/store.ts';

const sql = {
  active: readSql(import.meta.url, 'select-active-credential'),
  of: readSql(import.meta.url, 'select-credentials-of'),
  insert: readSql(import.meta.url, 'insert-credential'),
};

export type CredentialKind = 'capability' | 'attestation';

/** active: in force until it expires; expired: active past its expiry; superseded: a later one replaced it. */
export type CredentialState = 'active' | 'expired' | 'superseded';

/** One credential as stored (0025_identity_credentials.sql). */
export interface CredentialRecord {
  id: number;
  jti: string;
  kind: CredentialKind;
  agentId: string;
  treeHash: string;
  jwt: string;
  kid: string;
  capabilities: string[];
  withheld: string[];
  issuedAt: Date;
  expiresAt: Date;
  status: 'active' | 'superseded';
  supersededAt: Date | null;
  issuedBy: string;
}

interface CredentialRow extends Record<string, unknown> {
  id: string;
  jti: string;
  kind: CredentialKind;
  agent_id: string;
  tree_hash: string;
  jwt: string;
  kid: string;
  capabilities: string[];
  withheld: string[];
  issued_at: Date;
  expires_at: Date;
  status: 'active' | 'superseded';
  superseded_at: Date | null;
  issued_by: string;
}

const recordOf = (row: CredentialRow): CredentialRecord => ({
  id: Number(row.id),
  jti: row.jti,
  kind: row.kind,
  agentId: row.agent_id,
  treeHash: row.tree_hash,
  jwt: row.jwt,
  kid: row.kid,
  capabilities: row.capabilities,
  withheld: row.withheld,
  issuedAt: new Date(row.issued_at),
  expiresAt: new Date(row.expires_at),
  status: row.status,
  supersededAt: row.superseded_at === null ? null : new Date(row.superseded_at),
  issuedBy: row.issued_by,
});

export function credentialStateAt(record: CredentialRecord, now: Date): CredentialState {
  if (record.status === 'superseded') return 'superseded';
  return record.expiresAt.getTime() > now.getTime() ? 'active' : 'expired';
}

export async function activeCredentialOf(
  db: PgQueryable,
  agentId: string,
  kind: CredentialKind,
): Promise<CredentialRecord | undefined> {
  const [row] = (await db.query<CredentialRow>(sql.active, [agentId, kind])).rows;
  return row === undefined ? undefined : recordOf(row);
}

/** The agent's newest credentials of both kinds, at most `limit`. */
export async function listCredentials(db: PgQueryable, agentId: string, limit: number): Promise<CredentialRecord[]> {
  return (await db.query<CredentialRow>(sql.of, [agentId, limit])).rows.map(recordOf);
}

/** Records a new credential, superseding the agent's active one of its kind (call inside a transaction). */
export async function recordCredential(
  tx: PgQueryable,
  credential: Omit<CredentialRecord, 'id' | 'status' | 'supersededAt'>,
): Promise<void> {
  await tx.query(
    `update identity_credentials set status = 'superseded', superseded_at = $3
      where agent_id = $1 and kind = $2 and status = 'active'`,
    [credential.agentId, credential.kind, credential.issuedAt],
  );
  await tx.query(sql.insert, [
    credential.jti,
    credential.kind,
    credential.agentId,
    credential.treeHash,
    credential.jwt,
    credential.kid,
    JSON.stringify(credential.capabilities),
    JSON.stringify(credential.withheld),
    credential.issuedAt,
    credential.expiresAt,
    credential.issuedBy,
  ]);
}
