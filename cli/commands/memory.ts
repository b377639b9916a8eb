import type { Command } from 'commander';
import type { Store } from '#platform';
import type { ForgetReport, MemoryUsage } from '../../agents/wowmemory/src/index.ts';
import { createError } from '../errors.ts';
import { exitCodes, type CliIo } from '../cli-io.ts';
import { formatTable } from '../format-table.ts';

type SetCode = (code: number) => void;

const exitHelp =
  '\nExit codes: 0 done (also when there was nothing to erase), 1 the operation failed (the database: nothing was erased), 2 bad usage (no --customer, or not a customer slug).';

/** `wow memory …`: what agents remember of a customer (agents/wowmemory). */
export function registerMemoryCommands(program: Command, io: CliIo, setCode: SetCode): void {
  const memory = program
    .command('memory')
    .description('What agents remember of a customer (WowMemory): show it, or forget it everywhere');
  memory
    .command('show')
    .description(
      'How much agents remember of a customer: facts, conversation messages, recall entries and embeddings, their bytes, and how many entries the size limits evicted (WOWMEMORY_MAX_*)',
    )
    .requiredOption('--customer <slug>', "the customer's slug, as `wow support customers list` shows it")
    .option('--json', 'print it as JSON')
    .addHelpText('after', `${exitHelp}\n\nExample:\n  wow memory show --customer acme`)
    .action(async (opts: { customer: string; json?: boolean }) => {
      const slug = await assertCustomerSlug(opts.customer);
      const { memoryUsage } = await import('../../agents/wowmemory/src/index.ts');
      const usage = await withMemory(io, (store) => memoryUsage(store, { kind: 'customer', id: slug }));
      io.stdout.write(opts.json === true ? `${JSON.stringify(usage, null, 2)}\n` : usageSummary(usage));
      setCode(exitCodes.ok);
    });
  memory
    .command('forget')
    .description(
      'Erase everything agents remember of a customer, in one transaction: facts, conversation history, the recall index and its embeddings, and the eviction counts; then say how much of each was erased. What agents remember of themselves stays. It cannot be undone.',
    )
    .requiredOption('--customer <slug>', "the customer's slug")
    .option('--json', 'print the report as JSON: { customer, facts, messages, recall, embeddings, evictions }')
    .addHelpText('after', `${exitHelp}\n\nExample:\n  wow memory forget --customer acme --json`)
    .action(async (opts: { customer: string; json?: boolean }) => {
      const slug = await assertCustomerSlug(opts.customer);
      const { forgetCustomer } = await import('../../agents/wowmemory/src/index.ts');
      const report = await withMemory(io, (store) => forgetCustomer(store, slug));
      io.stdout.write(opts.json === true ? `${JSON.stringify(report, null, 2)}\n` : forgetSummary(report));
      setCode(exitCodes.ok);
    });
}

async function assertCustomerSlug(slug: string): Promise<string> {
  const { customerSlugPattern } = await import('#platform');
  if (customerSlugPattern.test(slug)) return slug;
  throw createError('WOW_ERR_CLI_USAGE', {
    problem: `--customer takes a customer's slug (lowercase letters, digits and dashes, e.g. acme), not ${JSON.stringify(slug.slice(0, 80))}`,
  });
}

function usageSummary(u: MemoryUsage): string {
  const rows = [
    ['facts', String(u.facts), String(u.factBytes), String(u.evicted.facts)],
    ['messages', String(u.messages), String(u.messageBytes), String(u.evicted.messages)],
    ['recall entries', String(u.recall), '', ''],
    ['embeddings', String(u.embeddings), '', ''],
  ];
  const span = u.oldest === null ? 'nothing remembered' : `from ${u.oldest} to ${u.newest ?? u.oldest}`;
  return `Memory of customer ${u.owner.id}: ${span}\n${formatTable(['KIND', 'HELD', 'BYTES', 'EVICTED'], rows, '')}`;
}

function forgetSummary(r: ForgetReport): string {
  const total = r.facts + r.messages + r.recall + r.embeddings + r.evictions;
  if (total === 0) return `Nothing was remembered of customer ${r.customer}: nothing to erase.\n`;
  return (
    `✔ forgot customer ${r.customer}: erased ${r.facts} facts, ${r.messages} messages, ${r.recall} recall entries, ` +
    `${r.embeddings} embeddings and ${r.evictions} eviction counts\n`
  );
}

/** Runs `work` on the platform's database, migrated first (a fresh embedded database has no tables yet). */
async function withMemory<T>(io: CliIo, work: (store: Store) => Promise<T>): Promise<T> {
  const { createLogger, loadConfig, migrate, openStore } = await import('#platform');
  const config = loadConfig(io.env);
  const log = createLogger('silent');
  const store = await openStore(config, log);
  try {
    await migrate(store, { log });
    return await work(store);
  } finally {
    await store.close();
  }
}
