import type { Command } from 'commander';
import { exitCodes, type CliIo } from '../cli-io.ts';
import { formatTable } from '../format-table.ts';

type SetCode = (code: number) => void;

const exitHelp =
  '\nExit codes: 0 done, 1 the operation failed (e.g. no such invoice, paid already), 2 bad usage or configuration.';
const pricingOption = ['--pricing <file>', 'the pricing file', 'config/pricing.yml'] as const;

/** Opens the store (migrated) and the pricing for one command, and closes the store after it. */
async function withBilling<T>(
  io: CliIo,
  pricingFile: string,
  work: (
    store: import('#platform').Store,
    pricing: import('#domains/commerce').Pricing,
    commerce: typeof import('#domains/commerce'),
  ) => Promise<T>,
): Promise<T> {
  const { createLogger, loadConfig, migrate, openStore } = await import('#platform');
  const commerce = await import('#domains/commerce');
  const pricing = await commerce.loadPricing(pricingFile);
  const log = createLogger('silent');
  const store = await openStore(loadConfig(io.env), log);
  try {
    await migrate(store, { log });
    return await work(store, pricing, commerce);
  } finally {
    await store.close();
  }
}

/** `wow billing …`: plans, subscriptions and invoices for operators, and recording a bank transfer. */
export function registerBillingCommands(program: Command, io: CliIo, setCode: SetCode): void {
  const billing = program
    .command('billing')
    .description(
      'Subscriptions and invoices: plans and prices, who subscribes, invoices, and marking a bank transfer paid',
    );
  const print = (json: boolean | undefined, value: unknown, table: () => string) =>
    io.stdout.write(json === true ? `${JSON.stringify(value, null, 2)}\n` : table());

  billing
    .command('plans')
    .description(
      "The plans and their monthly prices (config/pricing.yml), and the tax added; an agent's catalog.priceTier is its lowest plan",
    )
    .option(...pricingOption)
    .option('--json', 'print the pricing as JSON')
    .addHelpText('after', `${exitHelp}\n\nExample:\n  wow billing plans --json`)
    .action(async (opts: { pricing: string; json?: boolean }) => {
      const { loadPricing, planIds, rupees } = await import('#domains/commerce');
      const pricing = await loadPricing(opts.pricing);
      print(opts.json, pricing, () =>
        formatTable(
          ['plan', 'name', 'a month (INR)', `with ${pricing.tax.name}`],
          planIds.map((id) => {
            const paise = pricing.plans[id].monthlyPaise;
            return [
              id,
              pricing.plans[id].name,
              rupees(paise),
              rupees(paise + Math.round((paise * pricing.tax.basisPoints) / 10_000)),
            ];
          }),
          'no plans',
        ),
      );
      setCode(exitCodes.ok);
    });

  billing
    .command('subscriptions')
    .description('Every subscription: organisation, agent, plan, status and period')
    .option('--status <status>', 'only active, past_due, suspended or cancelled ones')
    .option(...pricingOption)
    .option('--json', 'print the subscriptions as JSON')
    .addHelpText('after', `${exitHelp}\n\nExample:\n  wow billing subscriptions --status past_due`)
    .action(async (opts: { status?: string; pricing: string; json?: boolean }) => {
      const statuses = ['active', 'past_due', 'suspended', 'cancelled'] as const;
      const status = statuses.find((s) => s === opts.status);
      if (opts.status !== undefined && status === undefined) {
        io.stderr.write(`✘ --status is one of ${statuses.join(', ')}\n`);
        setCode(exitCodes.usage);
        return;
      }
      await withBilling(io, opts.pricing, async (store, _pricing, { allSubscriptions }) => {
        const list = await allSubscriptions(store, { status });
        print(opts.json, list, () =>
          formatTable(
            ['organisation', 'agent', 'plan', 'status', 'period end (UTC)', 'cancels'],
            list.map((s) => [
              s.organisation,
              s.agentId,
              s.planId,
              s.status,
              s.currentPeriodEnd,
              s.cancelAtPeriodEnd ? 'yes' : '',
            ]),
            'no subscriptions',
          ),
        );
      });
      setCode(exitCodes.ok);
    });

  billing
    .command('invoices')
    .description('Invoices, newest first: number, organisation, total with tax, status')
    .option('--status <status>', 'only open, paid, payment_failed or void ones')
    .option('--limit <n>', 'at most this many', '100')
    .option(...pricingOption)
    .option('--json', 'print the invoices (with their lines) as JSON')
    .addHelpText('after', `${exitHelp}\n\nExample:\n  wow billing invoices --status open`)
    .action(async (opts: { status?: string; limit: string; pricing: string; json?: boolean }) => {
      const statuses = ['open', 'paid', 'payment_failed', 'void'] as const;
      const status = statuses.find((s) => s === opts.status);
      const limit = Number(opts.limit);
      if ((opts.status !== undefined && status === undefined) || !Number.isInteger(limit) || limit < 1) {
        io.stderr.write(`✘ --status is one of ${statuses.join(', ')}; --limit is a whole number from 1\n`);
        setCode(exitCodes.usage);
        return;
      }
      await withBilling(io, opts.pricing, async (store, _pricing, { listInvoices, rupees }) => {
        const list = await listInvoices(store, { status, limit });
        print(opts.json, list, () =>
          formatTable(
            ['number', 'issued (UTC)', 'total (INR)', 'status', 'attempts'],
            list.map((i) => [i.number, i.issuedAt, rupees(i.totalPaise), i.status, String(i.attempts)]),
            'no invoices',
          ),
        );
      });
      setCode(exitCodes.ok);
    });

  billing
    .command('mark-paid')
    .description(
      'Record that a bank transfer paid an invoice (the manual driver): it is paid, and its subscription resumes if it waited on it',
    )
    .argument('<invoice-number>', 'e.g. WAO-2026-000042 (`wow billing invoices --status open`)')
    .option('--by <who>', 'who saw the money arrive', 'operator')
    .option('--reference <text>', "the bank's reference of the transfer (UTR)")
    .option(...pricingOption)
    .option('--json', 'print the invoice as JSON')
    .addHelpText(
      'after',
      `${exitHelp}\n\nExample:\n  wow billing mark-paid WAO-2026-000042 --by ada --reference UTR1234`,
    )
    .action(async (number: string, opts: { by: string; reference?: string; pricing: string; json?: boolean }) => {
      await withBilling(io, opts.pricing, async (store, pricing, { markInvoicePaid, rupees }) => {
        const invoice = await markInvoicePaid(store, pricing, {
          number,
          by: opts.by,
          reference: opts.reference,
          now: new Date(),
        });
        print(opts.json, invoice, () => `✔ ${invoice.number} is paid (INR ${rupees(invoice.totalPaise)}).\n`);
      });
      setCode(exitCodes.ok);
    });
}
