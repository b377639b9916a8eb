import type { Command } from 'commander';
import { exitCodes, type CliIo } from '../cli-io.ts';
import { formatTable } from '../format-table.ts';

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

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

  db.command('backup')
    .description(
      'Back the database up into one file with a manifest beside it (<file>.manifest.json): pg_dump custom format for DATABASE_URL, ' +
        "PGlite's data directory for the embedded one (the running platform's schedule takes those while it runs)",
    )
    .option(
      '--out <file>',
      'where to write it (default: BACKUP_DIR/wow-<kind>-<UTC time>.<dump|tar.gz>); never overwritten',
    )
    .option('--json', 'print { file, kind, bytes, sha256, tables, rows, seconds } as JSON')
    .action(async (opts: { out?: string; json?: boolean }) => {
      const { backupDatabase, backupFileName, createLogger, loadConfig, openStore } = await import('#platform');
      const config = loadConfig(io.env);
      const store = await openStore(config, createLogger('warn'));
      try {
        const started = performance.now();
        if (opts.json !== true) io.stderr.write(`backing up ${store.location}…\n`);
        const file = opts.out ?? backupFileName(config.backup.dir, store.kind, new Date());
        const { manifest } = await backupDatabase({ store, url: config.database.url, file });
        const seconds = (performance.now() - started) / 1000;
        const tables = Object.keys(manifest.contents.rows).length;
        const rows = Object.values(manifest.contents.rows).reduce((a, b) => a + b, 0);
        if (opts.json === true)
          io.stdout.write(
            JSON.stringify({
              file,
              kind: manifest.kind,
              bytes: manifest.bytes,
              sha256: manifest.sha256,
              tables,
              rows,
              seconds,
            }) + '\n',
          );
        else
          io.stdout.write(
            `${file}: ${mib(manifest.bytes)}, ${tables} tables, ${rows} rows, in ${seconds.toFixed(1)} s\n`,
          );
        setCode(exitCodes.ok);
      } finally {
        await store.close();
      }
    });
  db.command('restore')
    .description(
      'Restore a backup and check it: the file against its manifest first, then every migration and row count after. ' +
        'A target that holds tables is refused without --force; a failed restore leaves it as it was',
    )
    .argument('<file>', 'a file `wow db backup` wrote, with its manifest beside it')
    .requiredOption(
      '--into <target>',
      'a postgres:// URL of an existing database (PostgreSQL backups), or a data directory (embedded ones)',
    )
    .option('--force', 'replace what the target holds instead of refusing it')
    .option('--json', 'print { kind, target, tables, rows, seconds } as JSON')
    .action(async (file: string, opts: { into: string; force?: boolean; json?: boolean }) => {
      const { restoreDatabase } = await import('#platform');
      const started = performance.now();
      if (opts.json !== true) io.stderr.write(`restoring ${file}…\n`);
      const result = await restoreDatabase({ file, into: opts.into, force: opts.force === true });
      const seconds = (performance.now() - started) / 1000;
      if (opts.json === true) io.stdout.write(JSON.stringify({ ...result, seconds }) + '\n');
      else
        io.stdout.write(
          `${result.target}: restored and verified, ${result.tables} tables, ${result.rows} rows, in ${seconds.toFixed(1)} s\n`,
        );
      setCode(exitCodes.ok);
    });
  db.command('backups')
    .description(
      'List the good backups this database has recorded, newest first (the scheduled ones are pruned by BACKUP_KEEP_*)',
    )
    .option('--json', 'print them as a JSON array')
    .action(async (opts: { json?: boolean }) => {
      const { createLogger, listBackups, loadConfig, migrate, openStore } = await import('#platform');
      const log = createLogger(opts.json === true ? 'silent' : 'warn');
      const store = await openStore(loadConfig(io.env), log);
      try {
        await migrate(store, { log });
        const backups = await listBackups(store);
        if (opts.json === true) io.stdout.write(JSON.stringify(backups) + '\n');
        else
          io.stdout.write(
            formatTable(
              ['FINISHED', 'KIND', 'BY', 'SIZE', 'ROWS', 'FILE'],
              backups.map((b) => [
                b.finishedAt.toISOString(),
                b.kind,
                b.scheduled ? 'schedule' : 'hand',
                mib(b.bytes),
                String(b.rows),
                b.file,
              ]),
              'no backups yet: `wow db backup` takes one, BACKUP_INTERVAL_SECONDS schedules them',
            ),
          );
        setCode(exitCodes.ok);
      } finally {
        await store.close();
      }
    });
}
