import { readSql } from '#platform';
import type { CustomerFailure } from '#domains/support';
import type { Diagnosis, SpecialistInput } from './diagnosis.ts';

const sql = {
  failed: readSql(import.meta.url, 'select-failed-deliveries'),
  account: readSql(import.meta.url, 'select-customer-account'),
};

/**
 * Integration: why the customer's integration and ours are not talking. It reads the
 * deliveries to the customer's webhook that failed and the events the agents concerned
 * could not handle (their dead letters). A cause on the customer's side is answered, in
 * their terms (the status their endpoint answered, why it could not be reached), never with
 * our error's text; one on ours goes to the integration team with the evidence.
 */
export async function diagnoseIntegration(input: SpecialistInput): Promise<Diagnosis> {
  const findings: string[] = [];
  let answer: string | undefined;
  const { customerId } = input.ticket;
  if (customerId !== null) {
    const account = (await input.db.query<{ webhook_url: string | null }>(sql.account, [customerId])).rows[0];
    const failed = (
      await input.db.query<{
        delivery_error: string;
        customer_delivery_failure: CustomerFailure | null;
        created_at: Date;
      }>(sql.failed, [customerId])
    ).rows;
    if (account?.webhook_url === null) {
      findings.push('The customer has no webhook URL: answers to their API tickets cannot be delivered.');
      answer =
        'Your organisation has no webhook URL configured, so our answers to tickets you open through the API cannot reach you. Set one (and its secret) with your account manager or `wow support customers`, and we will deliver the waiting answers.';
    } else if (failed.length > 0) {
      const latest = failed[0];
      const theirs = failed.filter((f) => f.customer_delivery_failure !== null);
      findings.push(
        `${failed.length} recent deliveries to the customer's webhook (${hostOf(account?.webhook_url ?? '')}) failed, ${theirs.length} of them at the customer's end; the latest at ${new Date(latest?.created_at ?? 0).toISOString()}: ${latest?.delivery_error ?? ''}`,
      );
      // Only when the latest failure is theirs: a cause of ours is the team's to fix, not the customer's.
      const failure = latest?.customer_delivery_failure ?? null;
      if (failure !== null)
        answer = [
          `Our last ${theirs.length === 1 ? 'delivery' : `${theirs.length} deliveries`} to your webhook at ${hostOf(account?.webhook_url ?? '')} failed: ${inCustomerWords(failure)}.`,
          'Your endpoint must answer with a 2xx status within 10 seconds. To check a delivery is ours, compute HMAC-SHA256 of `<X-Wow-Timestamp>.<raw body>` with your webhook secret and compare it, as `sha256=<hex>`, with the X-Wow-Signature-256 header; X-Wow-Delivery stays the same on retries, so you can drop repeats.',
          'Once the endpoint answers, we deliver what is waiting.',
        ].join('\n\n');
    } else {
      findings.push('Every answer to this customer reached their webhook.');
    }
  }
  for (const agent of input.agents) {
    const dead = await input.deadLetters.list({ group: agent.id, limit: 50 });
    if (dead.length === 0) {
      findings.push(`${agent.id}: no events it failed to handle.`);
      continue;
    }
    const latest = dead[0];
    findings.push(
      `${agent.id}: ${dead.length} event(s) it gave up on; the latest (${latest?.event.type ?? ''}, ${latest?.failedAt ?? ''}) failed with ${latest?.error.code ?? 'an error'}: ${latest?.error.message ?? ''}`,
    );
  }
  if (input.agents.length === 0) findings.push('No agent is named in the ticket and the customer has none on record.');
  return {
    topic: 'integration',
    findings,
    answer,
    assignee: answer === undefined ? 'team:integration' : 'wowsupport/integration',
    tier: 'L2',
  };
}

const unreachable: Record<Extract<CustomerFailure, { kind: 'unreachable' }>['reason'], string> = {
  refused: 'it refused the connection',
  dns: 'its host name could not be found',
  timeout: 'it did not answer within 10 seconds',
  reset: 'the connection was cut before it answered',
  tls: 'its TLS certificate was not accepted',
  other: 'it could not be reached',
};

function inCustomerWords(failure: CustomerFailure): string {
  return failure.kind === 'status' ? `it answered ${failure.status}` : unreachable[failure.reason];
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'your endpoint';
  }
}
