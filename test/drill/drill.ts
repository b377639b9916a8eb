/**
 * `npm run drill [-- tickets]`: the disaster-recovery drill (dr-drill.ts) on the test
 * PostgreSQL server (TEST_DATABASE_URL), printing what docs/operations.md quotes as the
 * measured RPO and RTO. Exits 1 when a read came back different.
 */
import { runDrill } from './dr-drill.ts';

const usage = 'usage: npm run drill [-- tickets]   (a whole number of tickets to open, default 60)';
if (process.argv[2] === '--help' || process.argv[2] === '-h') {
  console.log(usage);
  process.exit(0);
}
const tickets = Number(process.argv[2] ?? 60);
if (!Number.isInteger(tickets) || tickets < 1) {
  console.error(usage);
  process.exit(2);
}
const report = await runDrill({ tickets, progress: (line) => console.error(`… ${line}`) });
console.log(`tickets opened:        ${report.tickets}`);
console.log(
  `backup:                ${report.tables} tables, ${report.rows} rows, ${(report.backupBytes / 1024).toFixed(0)} KiB in ${report.backupSeconds.toFixed(2)} s`,
);
console.log(`restore (verified):    ${report.restoreSeconds.toFixed(2)} s`);
console.log(`recovery, drop → first answer on the restored database: ${report.recoverySeconds.toFixed(1)} s`);
console.log(
  `reads compared:        ${report.reads}, ${report.differences.length === 0 ? 'all identical' : `${report.differences.length} different`}`,
);
for (const read of report.differences) console.log(`  differs: ${read}`);
process.exitCode = report.differences.length === 0 ? 0 : 1;
