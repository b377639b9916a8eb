import type { Logger, Store } from '#platform';
import { countPlainWebhookSecrets } from '#domains/support';

/**
 * At start-up: customers' webhook secrets stored in plain text (written before secrets
 * were sealed) stay so until an operator runs `wow support secrets seal`, and anyone with
 * a copy of the database can sign as the desk with them meanwhile. Said once per start,
 * with how many there are and what to run, never which or what they are.
 */
export async function warnPlainSecrets(store: Store, log: Logger, secretsKey: Buffer | undefined): Promise<void> {
  const plain = await countPlainWebhookSecrets(store);
  if (plain === 0) return;
  const next =
    secretsKey === undefined
      ? 'SUPPORT_SECRETS_KEY is not set: set it to 32 random bytes in base64 (openssl rand -base64 32), ' +
        'the same in every process, then run `wow support secrets seal`'
      : 'SUPPORT_SECRETS_KEY is set, so `wow support secrets seal` can seal them now';
  const stored = plain === 1 ? "customer's webhook secret is" : "customers' webhook secrets are";
  log.warn(
    { plainWebhookSecrets: plain },
    `${plain} ${stored} stored in plain text, readable by anyone with a copy of the database; ${next}`,
  );
}
