import type { Command } from 'commander';
import { exitCodes, type CliIo } from '../cli-io.ts';

export function registerDbCommands(program: Command, io: CliIo, setCode: (code: number) => void): void {
  const db = program
    .command('db')
    .description('The PostgreSQL database (DATABASE_URL, or the embedded one in DATA_DIR)');
  db.command('migrate')
    .description(
      'Apply pending migrations: those of the platform, of each domain and of each agent (start-up does this too); safe to run from several processes at once',
    )
    .option('--json', 'print { applied, current } as JSON')
    .action(async (opts: { json?: boolean }) => {
      const { createLogger, loadConfig, migrate, openStore } = await import('#platform');
      const config = loadConfig(io.env);
      const log = createLogger(opts.json === true ? 'silent' : 'warn');
      const store = await openStore(config, log);
      try {
        const result = await migrate(store, { log });
        if (opts.json === true) io.stdout.write(JSON.stringify(result) + '\n');
        else {
          for (const name of result.applied) io.stdout.write(`applied ${name}\n`);
          io.stdout.write(
            `${store.location}: ${result.applied.length === 0 ? 'up to date' : `${result.applied.length} applied`}, at ${result.current ?? 'no migrations'}\n`,
          );
        }
        setCode(exitCodes.ok);
      } finally {
        await store.close();
      }
    });
}
