import type { Command } from 'commander';
import type { StoredAlert } from '../../agents/wownotification/src/index.ts';
import { exitCodes, type CliIo } from '../cli-io.ts';
import { formatTable } from '../format-table.ts';

type SetCode = (code: number) => void;

const exitHelp = '\nExit codes: 0 done, 1 no open alert by that id (ack), 2 bad usage or configuration.';

/** Opens the platform's store (migrated: a fresh embedded database has no tables yet), runs `work`, closes it. */
async function withStore<T>(io: CliIo, work: (store: import('#platform').Store) => Promise<T>): Promise<T> {
  const { createLogger, loadConfig, migrate, openStore } = await import('#platform');
  const log = createLogger('silent');
  const store = await openStore(loadConfig(io.env), log);
  try {
    await migrate(store, { log });
    return await work(store);
  } finally {
    await store.close();
  }
}

/** `wow alerts …`: WowNotification's operator alerts (agents/wownotification). */
export function registerAlertsCommands(program: Command, io: CliIo, setCode: SetCode): void {
  const alerts = program
    .command('alerts')
    .description('Operator alerts routed by config/alerts.yml: list them, acknowledge one');
  alerts
    .command('list')
    .description(
      'The alerts not yet acknowledged, newest first: id, rule, type, agent, severity, times fired, escalation level, summary',
    )
    .option('--all', 'acknowledged ones too')
    .option('--json', 'print the alerts as JSON')
    .addHelpText('after', `${exitHelp}\n\nExamples:\n  wow alerts list\n  wow alerts list --all --json`)
    .action(async (opts: { all?: boolean; json?: boolean }) => {
      const { listAlerts } = await import('../../agents/wownotification/src/index.ts');
      const list = await withStore(io, (store) => listAlerts(store, { all: opts.all === true }));
      io.stdout.write(opts.json === true ? `${JSON.stringify(list, null, 2)}\n` : alertsTable(list));
      setCode(exitCodes.ok);
    });
  alerts
    .command('ack <id>')
    .description('Acknowledge an alert: it escalates no further')
    .option('--by <name>', 'who acknowledges it', io.env.USER ?? 'cli')
    .option('--json', 'print { id, acknowledged } as JSON')
    .addHelpText('after', `${exitHelp}\n\nExample:\n  wow alerts ack 0b8f…`)
    .action(async (id: string, opts: { by: string; json?: boolean }) => {
      const { ackAlert } = await import('../../agents/wownotification/src/index.ts');
      const acknowledged = await withStore(io, (store) => ackAlert(store, id, opts.by, new Date()));
      io.stdout.write(
        opts.json === true
          ? `${JSON.stringify({ id, acknowledged })}\n`
          : acknowledged
            ? `Acknowledged ${id}.\n`
            : `No open alert ${JSON.stringify(id.slice(0, 80))}.\n`,
      );
      setCode(acknowledged ? exitCodes.ok : exitCodes.failed);
    });
}

function alertsTable(list: readonly StoredAlert[]): string {
  return formatTable(
    ['ID', 'RULE', 'TYPE', 'AGENT', 'SEVERITY', 'FIRED', 'LEVEL', 'ACKED BY', 'SUMMARY'],
    list.map((a) => [
      a.id,
      a.rule,
      a.type,
      a.agent,
      a.severity,
      String(a.fired),
      String(a.level),
      a.ackedBy ?? '-',
      a.summary,
    ]),
    'No alerts.',
  );
}
