import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlatform, wowProcess as wow, type PlatformProcess } from '../support/platform-process.ts';
import { createTestDatabase } from '../support/servers.ts';

/** What a drill measured; `differences` is empty when every read came back identical. */
export interface DrillReport {
  tickets: number;
  tables: number;
  rows: number;
  backupBytes: number;
  backupSeconds: number;
  restoreSeconds: number;
  /** From the moment the database was dropped to the first answer of the platform on the restored one. */
  recoverySeconds: number;
  reads: number;
  differences: string[];
}

// Questions as customers ask them: some the articles answer at L1, some they do not.
const questions = [
  'How do I verify the signature of your webhooks?',
  'How do I rotate my API key?',
  'What are the rate limits of the ticket API?',
  'How does the free trial work?',
  'Our invoices show the wrong company address',
  'Can I retry a ticket request safely?',
];

/**
 * A disaster-recovery drill through the doors a person uses: deploy agents, import the
 * articles, add a customer and open tickets through the ticket API on a PostgreSQL database
 * of its own; read them back; back up; drop the database; restore into a new one; start the
 * platform on it and make the same reads. Every read must come back byte for byte.
 */
export async function runDrill(opts: { tickets: number; progress: (line: string) => void }): Promise<DrillReport> {
  const dir = await mkdtemp(join(tmpdir(), 'wow-drill-'));
  const source = await createTestDatabase('drill_source');
  let target: { url: string; drop: () => Promise<void> } | undefined;
  let platform: PlatformProcess | undefined;
  // No scheduled backup may run during the drill, and the agents answer without a model.
  // The drill reads every ticket many times over: the per-customer rate limit is not what it tests.
  const base = { DATA_DIR: dir, BACKUP_INTERVAL_SECONDS: '0', SUPPORT_RATE_LIMIT_PER_MINUTE: '100000' };
  try {
    let env = { ...base, DATABASE_URL: source.url };
    opts.progress('seeding through the doors: wow deploy, wow kb import, wow support, POST /api/tickets');
    await wow(['db', 'migrate'], env);
    await wow(['deploy', 'wowsupport', 'wowsearch', '--json'], env);
    await wow(['kb', 'import', 'docs/kb'], env);
    await wow(['support', 'customers', 'add', 'drill', '--name', 'DR drill'], env);
    const key = (await wow(['support', 'keys', 'create', 'drill'], env)).stdout.trim();
    platform = await startPlatform(env);
    const tickets = await openTickets(platform.address, key, opts.tickets);
    opts.progress(`${tickets.length} tickets opened; waiting for the desk to settle`);
    const before = await settledReads(platform.address, tickets, env);
    await platform.stop();
    platform = undefined;

    opts.progress('backing up');
    const file = join(dir, 'drill.dump');
    const backup = JSON.parse((await wow(['db', 'backup', '--out', file, '--json'], env)).stdout) as {
      bytes: number;
      tables: number;
      rows: number;
      seconds: number;
    };

    opts.progress('dropping the database, restoring into a new one');
    await source.drop();
    const lost = performance.now();
    target = await createTestDatabase('drill_restored');
    const restored = JSON.parse((await wow(['db', 'restore', file, '--into', target.url, '--json'], env)).stdout) as {
      seconds: number;
    };
    env = { ...base, DATABASE_URL: target.url };
    platform = await startPlatform(env);
    const after = await reads(platform.address, tickets, env);
    const recoverySeconds = (performance.now() - lost) / 1000;
    await platform.stop();
    platform = undefined;

    const differences = [...before.keys()].filter((read) => before.get(read) !== after.get(read));
    return {
      tickets: tickets.length,
      tables: backup.tables,
      rows: backup.rows,
      backupBytes: backup.bytes,
      backupSeconds: backup.seconds,
      restoreSeconds: restored.seconds,
      recoverySeconds,
      reads: before.size,
      differences,
    };
  } finally {
    await platform?.stop();
    await source.drop();
    await target?.drop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** A ticket and the key of the customer who opened it (only they may read it). */
interface OpenedTicket {
  id: string;
  key: string;
}

async function openTickets(address: string, key: string, count: number): Promise<OpenedTicket[]> {
  const opened: OpenedTicket[] = [];
  for (let i = 0; i < count; i++) {
    const question = questions[i % questions.length] ?? '';
    const response = await fetch(`${address}/api/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': `drill-${i}` },
      body: JSON.stringify({ subject: question, body: question, requester: { email: `customer${i}@drill.example` } }),
    });
    if (response.status !== 201)
      throw new Error(`POST /api/tickets answered ${response.status}: ${await response.text()}`);
    opened.push({ id: ((await response.json()) as { id: string }).id, key });
  }
  return opened;
}

/** The same reads, through the ticket API and the CLI: each read's exact text, by what was read. */
async function reads(
  address: string,
  tickets: OpenedTicket[],
  env: Record<string, string>,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const { id, key } of tickets) {
    const response = await fetch(`${address}/api/tickets/${id}`, { headers: { authorization: `Bearer ${key}` } });
    out.set(`GET /api/tickets/${id}`, `${response.status} ${await response.text()}`);
  }
  out.set('wow support customers list --json', (await wow(['support', 'customers', 'list', '--json'], env)).stdout);
  out.set('wow kb search --json', (await wow(['kb', 'search', 'rotate my API key', '--json'], env)).stdout);
  // The registry's deployed versions; heartbeats and instances belong to whoever runs now.
  const agents = JSON.parse((await wow(['agents', 'list', '--json'], env)).stdout) as {
    id: string;
    deployed: { treeHash: string } | null;
  }[];
  out.set(
    'wow agents list --json (deployed versions)',
    JSON.stringify(agents.map((a) => ({ id: a.id, deployed: a.deployed?.treeHash ?? null }))),
  );
  return out;
}

/** Reads until two rounds a second apart agree: the desk has answered or routed every ticket. */
async function settledReads(
  address: string,
  tickets: OpenedTicket[],
  env: Record<string, string>,
): Promise<Map<string, string>> {
  let last = await reads(address, tickets, env);
  for (let round = 0; round < 120; round++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = await reads(address, tickets, env);
    const pending = [...now.values()].some((text) => text.includes('"status":"new"'));
    if (!pending && [...now].every(([read, text]) => last.get(read) === text)) return now;
    last = now;
  }
  throw new Error('the desk did not settle within two minutes');
}
