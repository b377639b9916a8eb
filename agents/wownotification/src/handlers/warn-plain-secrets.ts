import type { AgentContext } from '#platform';
import { countPlainWebhookSecrets } from '#domains/support';

/**
 * At start-up: customers' webhook secrets stored in plain text (written before secrets
 * were sealed) stay so until an operator runs `wow support secrets seal`, and anyone with
 * a copy of the database can sign as the desk with them meanwhile. Said once per start,
 * with how many there are and what to run, never which or what they are.
 */
export async function warnPlainSecrets(ctx: Pick<AgentContext, 'store' | 'log' | 'config'>): Promise<void> {
  const plain = await countPlainWebhookSecrets(ctx.store);
  if (plain === 0) return;
  const next =
    ctx.config.support.secretsKey === undefined
      ? 'SUPPORT_SECRETS_KEY is not set: set it to 32 random bytes in base64 (openssl rand -base64 32), the same in every process, then run `wow support secrets seal`'
      : 'SUPPORT_SECRETS_KEY is set, so `wow support secrets seal` can seal them now';
  ctx.log.warn(
    { plainWebhookSecrets: plain },
    `${plain} customer${plain === 1 ? "'s webhook secret is" : "s' webhook secrets are"} stored in plain text, readable by anyone with a copy of the database; ${next}`,
  );
}
