import { readSql } from '#platform';
import type { Diagnosis, SpecialistInput } from './diagnosis.ts';

const sql = { account: readSql(import.meta.url, 'select-customer-account') };

/**
 * Billing: money is decided by people. The specialist puts the account in front of the
 * billing team (who the customer is, how long with us, their tickets) and hands it over.
 */
export async function diagnoseBilling(input: SpecialistInput): Promise<Diagnosis> {
  const findings: string[] = [];
  const { customerId } = input.ticket;
  const account =
    customerId === null
      ? undefined
      : (
          await input.db.query<{
            name: string;
            slug: string;
            created_at: Date;
            tickets: number;
            open_tickets: number;
            agents: string[];
          }>(sql.account, [customerId])
        ).rows[0];
  if (account === undefined)
    findings.push(
      `The requester is not a known customer organisation (${input.ticket.channel} ticket); match them to an account before changing anything.`,
    );
  else
    findings.push(
      `Account: ${account.name} (${account.slug}), a customer since ${new Date(account.created_at).toISOString().slice(0, 10)}; ${account.tickets} ticket(s), ${account.open_tickets} open; agents in use: ${account.agents.join(', ') || 'none on record'}.`,
    );
  const best = input.hits[0];
  if (best !== undefined)
    findings.push(
      `Closest article: "${best.title}" (kb:${best.slug}), covering ${Math.round(best.coverage * 100)}% of the question.`,
    );
  return { topic: 'billing', findings, assignee: 'team:billing', tier: 'L2' };
}
