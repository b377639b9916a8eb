import type { Command } from 'commander';
import type { Store } from '#platform';
import type { Customer, SupportSettings } from '#domains/support';
import { cachedReaders, forgetCached } from '../cached-readers.ts';
import { exitCodes, type CliIo } from '../cli-io.ts';
import { createError as createCliError } from '../errors.ts';
import { formatTable } from '../format-table.ts';

type SetCode = (code: number) => void;

const exitHelp = '\nExit codes: 0 done, 1 the operation failed (e.g. no such customer), 2 bad usage or configuration.';

// Slack, Discord and Teams put a webhook's secret in its path, others in its query string:
// a terminal, a pasted log or a screen share shows the origin only, unless asked.
const showUrlsOption = [
  '--show-urls',
  'print webhook URLs whole; by default only their origin (https://hooks.slack.com/…), since many keep their secret in the path or query',
] as const;

/** The customer as printed: its webhook URL by origin only unless `show`. */
async function printable<T extends Pick<Customer, 'webhookUrl'>>(customer: T, show: boolean | undefined): Promise<T> {
  const { urlForLogs } = await import('#domains/support');
  return show === true || customer.webhookUrl === null
    ? customer
    : { ...customer, webhookUrl: urlForLogs(customer.webhookUrl) };
}

/**
 * `wow support …`: the support desk's operator commands. Each group of sub-commands is
 * registered by its own function below; a new group (e.g. kill-switch) is one more
 * function and one more line here.
 */
export function registerSupportCommands(program: Command, io: CliIo, setCode: SetCode): void {
  const support = program
    .command('support')
    .description(
      'The support desk: customer organisations, their ticket API keys and webhook secrets, the kill switch and incidents',
    );
  registerCustomersCommands(support, io, setCode);
  registerKeysCommands(support, io, setCode);
  registerSecretsCommands(support, io, setCode);
  registerKillSwitchCommand(support, io, setCode);
  registerIncidentsCommand(support, io, setCode);
}

function registerCustomersCommands(support: Command, io: CliIo, setCode: SetCode): void {
  const customers = support.command('customers').description('Customer organisations that use the ticket API');

  customers
    .command('uses')
    .description(
      "Record the agents a customer's integration uses: an incident on one of them is told to the customer through their webhook, and L2 looks at them first",
    )
    .argument('<slug>', "the customer's slug")
    .argument('<agents...>', 'agent ids, as `wow agents list` shows them')
    .option(...showUrlsOption)
    .addHelpText('after', `${exitHelp}\n\nExample:\n  wow support customers uses acme-corp wowvision factory`)
    .action(async (slug: string, agents: string[], opts: { showUrls?: boolean }) => {
      const { getCustomer } = await import('#domains/support');
      const { addCustomerAgent, customerAgentsTag } = await import('../../agents/wowanalytics/src/index.ts');
      const { found, readers } = await withDeskStore(io, async (store) => {
        const customer = await getCustomer(store, slug);
        for (const agent of agents) await addCustomerAgent(store, customer.id, agent);
        return { found: customer, readers: await cachedReaders(store, 'support_customer_agents') };
      });
      // WowSupport's L2 caches each customer's agents: what it cached of this one goes, in every process.
      await forgetCached(io, readers, [customerAgentsTag(found.id)]);
      const customer = await printable(found, opts.showUrls);
      io.stdout.write(
        `✔ ${customer.slug} uses ${agents.join(', ')}: their incidents reach ${customer.webhookUrl ?? 'the customer once it has a webhook URL'}\n`,
      );
      setCode(exitCodes.ok);
    });

  customers
    .command('add')
    .description(
      'Add a customer organisation. With --webhook-url, answers to its tickets are POSTed there, signed with its webhook secret (made for you and printed once, unless you give --webhook-secret), which is stored sealed with SUPPORT_SECRETS_KEY.',
    )
    .argument('<slug>', 'a short id: lowercase letters, digits and hyphens (e.g. acme-corp)')
    .requiredOption('--name <name>', "the organisation's name, as people read it")
    .option('--webhook-url <url>', 'the https:// endpoint that receives answers and status changes')
    .option('--webhook-secret <secret>', 'the HMAC secret the endpoint already expects (at least 16 characters)')
    .option('--json', 'print the customer as JSON')
    .option(...showUrlsOption)
    .addHelpText(
      'after',
      `${exitHelp}\n\nExample:\n  wow support customers add acme-corp --name "Acme Corp" --webhook-url https://acme.example/hooks/support`,
    )
    .action(
      async (
        slug: string,
        opts: { name: string; webhookUrl?: string; webhookSecret?: string; json?: boolean; showUrls?: boolean },
      ) => {
        const { createCustomer } = await import('#domains/support');
        const added = await withDeskStore(io, (store, support) =>
          createCustomer(
            store,
            { slug, name: opts.name, webhookUrl: opts.webhookUrl, webhookSecret: opts.webhookSecret },
            { secretsKey: support.secretsKey },
          ),
        );
        const customer = await printable(added, opts.showUrls);
        if (opts.json === true) io.stdout.write(JSON.stringify(customer, null, 2) + '\n');
        else {
          io.stdout.write(`✔ customer ${customer.slug} (${customer.name}) added\n`);
          if (customer.webhookUrl !== null) io.stdout.write(`  webhook: ${customer.webhookUrl}\n`);
          if (customer.webhookSecret !== null && opts.webhookSecret === undefined)
            io.stdout.write(
              `  webhook secret (shown only now; the endpoint checks signatures with it): ${customer.webhookSecret}\n`,
            );
          io.stdout.write(`  next: wow support keys create ${customer.slug}\n`);
        }
        setCode(exitCodes.ok);
      },
    );

  customers
    .command('list')
    .description('Every customer organisation with the prefixes of its API keys that still work')
    .option('--json', 'print the customers as JSON')
    .option(...showUrlsOption)
    .addHelpText('after', exitHelp)
    .action(async (opts: { json?: boolean; showUrls?: boolean }) => {
      const { listCustomers } = await import('#domains/support');
      const customers = await withDeskStore(io, (store) => listCustomers(store));
      const rows = await Promise.all(customers.map((c) => printable(c, opts.showUrls)));
      if (opts.json === true) io.stdout.write(JSON.stringify(rows, null, 2) + '\n');
      else {
        io.stdout.write(
          formatTable(
            ['CUSTOMER', 'NAME', 'WEBHOOK', 'ACTIVE KEYS', 'CREATED'],
            rows.map((c) => [
              c.slug,
              c.name,
              c.webhookUrl ?? '-',
              c.activeKeys.length === 0 ? '-' : c.activeKeys.map((p) => `${p}…`).join(' '),
              c.createdAt,
            ]),
            'No customers yet. Add one with `wow support customers add <slug> --name <name>`.',
          ),
        );
      }
      setCode(exitCodes.ok);
    });
}

function registerSecretsCommands(support: Command, io: CliIo, setCode: SetCode): void {
  const secrets = support
    .command('secrets')
    .description("Customers' webhook secrets, stored sealed with SUPPORT_SECRETS_KEY (AES-256-GCM)");

  secrets
    .command('seal')
    .description(
      'Seal every webhook secret still stored in plain text (customers added before secrets were sealed) with SUPPORT_SECRETS_KEY, clearing the plain text. Run it once after setting the key; running it again finds nothing to do.',
    )
    .option('--json', 'print { sealed } as JSON')
    .addHelpText(
      'after',
      `${exitHelp}\n\nExample:\n  SUPPORT_SECRETS_KEY=$(openssl rand -base64 32) wow support secrets seal`,
    )
    .action(async (opts: { json?: boolean }) => {
      const { createError } = await import('#platform');
      const { sealPlainWebhookSecrets } = await import('#domains/support');
      const sealed = await withDeskStore(io, (store, support) => {
        if (support.secretsKey === undefined)
          throw createError('WOW_ERR_CONFIG', {
            problems:
              '  SUPPORT_SECRETS_KEY: not set, so there is nothing to seal with; set it to 32 random bytes in base64 (openssl rand -base64 32), the same in every process',
          });
        return sealPlainWebhookSecrets(store, support.secretsKey);
      });
      if (opts.json === true) io.stdout.write(JSON.stringify({ sealed }) + '\n');
      else
        io.stdout.write(
          sealed === 0
            ? '✔ no webhook secret is stored in plain text\n'
            : `✔ sealed ${sealed} webhook secret${sealed === 1 ? '' : 's'} stored in plain text; none is left\n`,
        );
      setCode(exitCodes.ok);
    });
}

function registerKillSwitchCommand(support: Command, io: CliIo, setCode: SetCode): void {
  support
    .command('kill-switch')
    .description(
      'The desk-wide stop. While on, nothing answers automatically and nothing is sent to customers or GitHub; tickets still come in and wait. Without an argument, says whether it is on.',
    )
    .argument('[state]', 'on or off')
    .option('--by <who>', 'who is turning it, for the record (default: $USER)')
    .option('--json', 'print { on, by, at } as JSON')
    .addHelpText('after', `${exitHelp}\n\nExamples:\n  wow support kill-switch on --by ada\n  wow support kill-switch`)
    .action(async (state: string | undefined, opts: { by?: string; json?: boolean }) => {
      const { deskSettingsTag, killSwitch, setKillSwitch } = await import('#domains/support');
      if (state !== undefined && state !== 'on' && state !== 'off')
        throw createCliError('WOW_ERR_CLI_USAGE', { problem: `kill-switch takes "on" or "off", not "${state}"` });
      const { now, readers } = await withDeskStore(io, async (store) => {
        if (state !== undefined) await setKillSwitch(store, state === 'on', opts.by ?? io.env.USER ?? 'wow-cli');
        return { now: await killSwitch(store), readers: await cachedReaders(store, 'support_settings') };
      });
      // The desk's agents read the switch on every ticket event through their cache: what they cached goes, in every process.
      if (state !== undefined) await forgetCached(io, readers, [deskSettingsTag]);
      if (opts.json === true) io.stdout.write(JSON.stringify(now, null, 2) + '\n');
      else if (now.on)
        io.stdout.write(
          `✖ the kill switch is ON (by ${now.by ?? '?'} at ${now.at ?? '?'}): nothing answers automatically, nothing is sent\n  turn it off: wow support kill-switch off\n`,
        );
      else
        io.stdout.write(
          `✔ the kill switch is off${now.by === null ? '' : ` (last set by ${now.by} at ${now.at ?? '?'})`}: the desk runs\n`,
        );
      setCode(exitCodes.ok);
    });
}

function registerIncidentsCommand(support: Command, io: CliIo, setCode: SetCode): void {
  support
    .command('incidents')
    .description(
      'Incidents open now: an agent slower or failing more than its own baseline, each with its issue in the support repository',
    )
    .option('--json', 'print the incidents as JSON')
    .addHelpText('after', exitHelp)
    .action(async (opts: { json?: boolean }) => {
      const { openIncidents } = await import('../../agents/wowanalytics/src/index.ts');
      const open = await withDeskStore(io, (store) => openIncidents(store));
      if (opts.json === true) io.stdout.write(JSON.stringify(open, null, 2) + '\n');
      else {
        io.stdout.write(
          formatTable(
            ['AGENT', 'SINCE', 'WHAT', 'ISSUE', 'MEAN NOW', 'BASELINE', 'FAILED NOW'],
            open.map((i) => [
              i.agentId,
              i.openedAt.toISOString(),
              i.signals.join(', '),
              i.issueNumber === null ? '-' : `#${i.issueNumber}`,
              `${Math.round(i.latest.current.meanMs)} ms`,
              `${Math.round(i.latest.baseline.meanMs)} ms`,
              `${(i.latest.current.errorRate * 100).toFixed(1)}%`,
            ]),
            'No incident is open: every agent is within its baseline.',
          ),
        );
      }
      setCode(exitCodes.ok);
    });
}

function registerKeysCommands(support: Command, io: CliIo, setCode: SetCode): void {
  const keys = support
    .command('keys')
    .description('Ticket API keys (Authorization: Bearer wow_sk_…); only their sha256 is stored');

  keys
    .command('create')
    .description(
      'Create an API key for a customer and print it, once: it cannot be shown again, only revoked and replaced',
    )
    .argument('<customer>', "the customer's slug")
    .option('--json', 'print { key, prefix, customer } as JSON')
    .addHelpText('after', `${exitHelp}\n\nExample:\n  wow support keys create acme-corp`)
    .action(async (slug: string, opts: { json?: boolean }) => {
      const { issueApiKey } = await import('#domains/support');
      const issued = await withDeskStore(io, (store) => issueApiKey(store, slug));
      if (opts.json === true)
        io.stdout.write(
          JSON.stringify({ key: issued.key, prefix: issued.prefix, customer: issued.customer.slug }, null, 2) + '\n',
        );
      else {
        io.stdout.write(`${issued.key}\n`);
        io.stderr.write(
          `✔ API key ${issued.prefix}… for ${issued.customer.slug}. Copy it now: it is not stored and cannot be shown again.\n  Revoke it with: wow support keys revoke ${issued.prefix}\n`,
        );
      }
      setCode(exitCodes.ok);
    });

  keys
    .command('revoke')
    .description('Revoke an API key at once; requests with it are refused with 401 WOW_ERR_API_KEY_REVOKED')
    .argument(
      '<prefix>',
      "the key's prefix as `wow support customers list` shows it (wow_sk_ and 8 characters), or the whole key",
    )
    .option('--json', 'print { prefix, customerSlug, revokedAt } as JSON')
    .addHelpText('after', `${exitHelp}\n\nExample:\n  wow support keys revoke wow_sk_AbCd1234`)
    .action(async (prefix: string, opts: { json?: boolean }) => {
      const { revokeApiKey } = await import('#domains/support');
      const revoked = await withDeskStore(io, (store) => revokeApiKey(store, keyPrefix(prefix)));
      if (opts.json === true) io.stdout.write(JSON.stringify(revoked, null, 2) + '\n');
      else io.stdout.write(`✔ API key ${revoked.prefix}… of ${revoked.customerSlug} revoked (${revoked.revokedAt})\n`);
      setCode(exitCodes.ok);
    });
}

/** People paste the prefix with the list's ellipsis, or the whole key. */
function keyPrefix(text: string): string {
  return text
    .trim()
    .replace(/…$/, '')
    .slice(0, 'wow_sk_'.length + 8);
}

/**
 * Runs `work` on the desk's database, migrated first (a fresh embedded database has no
 * tables yet). Input the engine refuses is bad usage (exit 2), said field by field; a
 * missing SUPPORT_SECRETS_KEY is bad configuration (exit 2).
 */
export async function withDeskStore<T>(
  io: CliIo,
  work: (store: Store, support: SupportSettings) => Promise<T>,
): Promise<T> {
  const { createError, createLogger, isWowError, loadConfig, migrate, openStore, readSharedSettings } =
    await import('#platform');
  const { supportSettings } = await import('#domains/support');
  const config = loadConfig(io.env);
  const support = readSharedSettings(supportSettings, io.env);
  const log = createLogger('silent');
  const store = await openStore(config, log);
  try {
    await migrate(store, { log });
    return await work(store, support);
  } catch (err) {
    if (isWowError(err, 'WOW_ERR_SUPPORT_INPUT'))
      throw createCliError(
        'WOW_ERR_CLI_USAGE',
        { problem: err.message.replace(/^The request is invalid: /, 'invalid input: ') },
        {
          cause: err,
        },
      );
    if (isWowError(err, 'WOW_ERR_SECRETS_KEY_MISSING'))
      throw createError('WOW_ERR_CONFIG', { problems: `  SUPPORT_SECRETS_KEY: ${err.message}` }, { cause: err });
    throw err;
  } finally {
    await store.close();
  }
}
