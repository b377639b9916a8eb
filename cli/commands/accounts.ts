import type { Command } from 'commander';
import { exitCodes, type CliIo } from '../cli-io.ts';

type SetCode = (code: number) => void;

const exitHelp =
  '\nExit codes: 0 done, 1 the operation failed (e.g. no such organisation), 2 bad usage or configuration.';

/** `wow accounts …`: what an operator does for customers' accounts (domains/commerce). */
export function registerAccountsCommands(program: Command, io: CliIo, setCode: SetCode): void {
  const accounts = program.command('accounts').description("Customers' accounts: invite someone into an organisation");
  accounts
    .command('invite')
    .description(
      'Invite someone into an organisation, e.g. the first owner of a ticket API customer from before accounts existed. Prints the single-use link (once: only its hash is stored), and mails it too when SMTP_URL is set.',
    )
    .argument('<organisation>', "the organisation's slug (the support customer's, `wow support customers list`)")
    .argument('<email>', 'the address invited; only an account of this address can accept')
    .option('--role <role>', 'owner or member', 'owner')
    .addHelpText('after', `${exitHelp}\n\nExample:\n  wow accounts invite acme-corp ada@acme.example --role owner`)
    .action(async (slug: string, email: string, opts: { role: string }) => {
      const { createLogger, loadConfig, migrate, openStore, readSharedSettings } = await import('#platform');
      const { accountSettings, inviteByOperator } = await import('#domains/commerce');
      const { supportSettings } = await import('#domains/support');
      const config = loadConfig(io.env);
      const settings = readSharedSettings(accountSettings, io.env);
      const support = readSharedSettings(supportSettings, io.env);
      const log = createLogger('silent');
      const store = await openStore(config, log);
      try {
        await migrate(store, { log });
        const { mail, link } = await inviteByOperator(
          store,
          { slug, email, role: opts.role === 'member' ? 'member' : 'owner' },
          { now: new Date(), publicUrl: config.identity.publicUrl, ttlSeconds: settings.inviteSeconds },
        );
        if (support.smtpUrl !== undefined) {
          const { createCustomerChannels } = await import('../../agents/wownotification/src/index.ts');
          const channels = await createCustomerChannels({ smtpUrl: support.smtpUrl, emailFrom: support.emailFrom });
          try {
            await channels.noticeEmail?.(mail);
          } finally {
            channels.close();
          }
        }
        io.stdout.write(
          `✔ ${mail.to} is invited to ${slug}${support.smtpUrl === undefined ? '' : ' (mailed)'}. The link, shown this once:\n${link}\n`,
        );
        setCode(exitCodes.ok);
      } finally {
        await store.close();
      }
    });
}
