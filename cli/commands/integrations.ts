import { readFile, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Connector, CredentialHealth } from '../../agents/wowintegration/src/index.ts';
import { createError } from '../errors.ts';
import { exitCodes, type CliIo } from '../cli-io.ts';
import { formatTable } from '../format-table.ts';

type SetCode = (code: number) => void;

const exitHelp = '\nExit codes: 0 done, 1 it could not be read or stored, 2 bad usage or configuration.';

/** `wow integrations …`: WowIntegration's connectors (integrations/<name>/connector.yml) and their credentials. */
export function registerIntegrationsCommands(program: Command, io: CliIo, setCode: SetCode): void {
  const integrations = program
    .command('integrations')
    .description("Outside APIs (WowIntegration): the connectors in WOWINTEGRATION_DIR and their credentials' health");
  const connectorsOf = async () => {
    const { integrationSettings, loadConnectors } = await import('../../agents/wowintegration/src/index.ts');
    const { readSharedSettings } = await import('#platform');
    return loadConnectors(readSharedSettings(integrationSettings, io.env).dir);
  };

  integrations
    .command('list')
    .description('Each connector: how it authenticates, the events it receives, how its webhooks are signed')
    .option('--json', 'print the connectors as JSON')
    .addHelpText('after', `${exitHelp}\n\nExamples:\n  wow integrations list\n  wow integrations list --json`)
    .action(async (opts: { json?: boolean }) => {
      const connectors = await connectorsOf();
      io.stdout.write(opts.json === true ? `${JSON.stringify(connectors, null, 2)}\n` : listSummary(connectors));
      setCode(exitCodes.ok);
    });

  integrations
    .command('health')
    .description(
      "Each connector's credential: healthy, expired (past its expiry, or its token refused since the last refresh), failing, missing or unused; its expiry, last success, last failure and error, failures in a row, and deliveries waiting for a retry",
    )
    .option('--integration <name>', 'one connector only')
    .option('--json', 'print { at, credentials } as JSON, as integration.credentials.health answers')
    .addHelpText(
      'after',
      `${exitHelp}\n\nExamples:\n  wow integrations health\n  wow integrations health --integration salesforce --json`,
    )
    .action(async (opts: { integration?: string; json?: boolean }) => {
      const { credentialsHealthProtocol, readCredentialsHealth } =
        await import('../../agents/wowintegration/src/index.ts');
      const parsed = credentialsHealthProtocol.input.safeParse({ integration: opts.integration });
      if (!parsed.success)
        throw createError('WOW_ERR_CLI_USAGE', {
          problem: `--integration: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
        });
      const connectors = await connectorsOf();
      const { createLogger, loadConfig, migrate, openStore } = await import('#platform');
      const log = createLogger('silent');
      const store = await openStore(loadConfig(io.env), log);
      try {
        await migrate(store, { log });
        const health = await readCredentialsHealth(store, connectors, parsed.data, new Date());
        io.stdout.write(
          opts.json === true ? `${JSON.stringify(health, null, 2)}\n` : healthSummary(health.credentials),
        );
      } finally {
        await store.close();
      }
      setCode(exitCodes.ok);
    });

  integrations
    .command('credential')
    .description(
      "Seals and stores a connector's credential under the platform's master key (IDENTITY_MASTER_KEY): a JSON file of clientId, clientSecret, and refreshToken (oauth2-refresh-token connectors) and webhookSecret where it has them. The file must be readable by its owner only; delete it afterwards",
    )
    .argument('<name>', 'the connector')
    .requiredOption('--file <path>', 'the JSON file holding the secrets')
    .addHelpText('after', `${exitHelp}\n\nExample:\n  wow integrations credential salesforce --file ./salesforce.json`)
    .action(async (name: string, opts: { file: string }) => {
      const { credentialSecrets, getConnector, integrationSettings, saveCredential } =
        await import('../../agents/wowintegration/src/index.ts');
      const { agentSecretBox, createIdentity, createLogger, loadConfig, migrate, openStore, readSharedSettings } =
        await import('#platform');
      getConnector(await connectorsOf(), name, readSharedSettings(integrationSettings, io.env).dir);
      const mode = (await stat(opts.file)).mode;
      if ((mode & 0o077) !== 0)
        throw createError('WOW_ERR_CLI_USAGE', {
          problem: `${opts.file} may be read by other users (mode ${(mode & 0o777).toString(8)}); run \`chmod 600 ${opts.file}\``,
        });
      const text = await readFile(opts.file, 'utf8');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw createError('WOW_ERR_CLI_USAGE', { problem: `${opts.file} is not JSON` });
      }
      const parsed = credentialSecrets.safeParse(json);
      // Only the fields are named: a value in the message would print a secret.
      if (!parsed.success)
        throw createError('WOW_ERR_CLI_USAGE', {
          problem: `${opts.file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.code}`).join('; ')}`,
        });
      const config = loadConfig(io.env);
      const log = createLogger('silent');
      const store = await openStore(config, log);
      try {
        await migrate(store, { log });
        const identity = await createIdentity({ settings: config.identity, store, log });
        await saveCredential(store, agentSecretBox(identity.kms.secrets, 'wowintegration'), name, parsed.data);
      } finally {
        await store.close();
      }
      io.stdout.write(
        `Stored the credential of ${name}, sealed; \`wow integrations health\` shows it unused until its first call.\n`,
      );
      setCode(exitCodes.ok);
    });
}

function listSummary(connectors: readonly Connector[]): string {
  return formatTable(
    ['NAME', 'AUTH', 'BASE URL', 'RECEIVES', 'WEBHOOK'],
    connectors.map((c) => [
      c.name,
      c.auth.kind,
      c.baseUrl,
      c.deliver.map((d) => d.event).join(', ') || '-',
      c.webhook === undefined ? '-' : `${c.webhook.scheme} (${c.webhook.header})`,
    ]),
    'No connectors (integrations/<name>/connector.yml under WOWINTEGRATION_DIR).',
  );
}

function healthSummary(credentials: readonly CredentialHealth[]): string {
  return formatTable(
    ['NAME', 'STATE', 'EXPIRES', 'LAST SUCCESS', 'LAST FAILURE', 'FAILURES', 'WAITING', 'LAST ERROR'],
    credentials.map((c) => [
      c.integration,
      c.state,
      c.expiresAt ?? '-',
      c.lastSuccessAt ?? '-',
      c.lastFailureAt ?? '-',
      String(c.consecutiveFailures),
      String(c.failedDeliveries),
      c.lastError ?? '-',
    ]),
    'No connectors.',
  );
}
