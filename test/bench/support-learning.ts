import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, createStore, migrate } from '#platform';
import { importArticles } from '../../agents/wowsearch/src/index.ts';
import { draftFromTicket } from '../../agents/wowsupport/src/learning/learn-from-ticket.ts';
import {
  answeredAtL1,
  loadSolvedTickets,
  personalDataIn,
  recordSolvedTicket,
  shareOf,
} from '../support/solved-tickets.ts';
import { printTable } from './stats.ts';

const log = createLogger('silent');
const root = fileURLToPath(new URL('../..', import.meta.url));
const pct = (share: number) => `${(share * 100).toFixed(1)}%`;

/**
 * The learning loop measured on the replayed set: the held-out questions (new customers
 * paraphrasing solved L2/L3 tickets) answered at L1 over the knowledge base in docs/kb,
 * then again after each solved ticket's article — drafted without a model, as the desk does
 * when none is configured — is merged and imported. On the embedded PGlite, no GitHub: the
 * pull requests and their merge are the loop's test (agents/wowsupport/test/learning-loop.test.ts).
 */
export async function benchSupportLearning(): Promise<void> {
  const tickets = await loadSolvedTickets();
  const dir = await mkdtemp(join(tmpdir(), 'bench-learning-'));
  const store = await createStore({ dataDir: join(dir, 'db'), poolMax: 1, log });
  try {
    await migrate(store, { log });
    await importArticles(store, join(root, 'docs/kb'), { source: 'docs/kb' });
    const heldOut = tickets.map((t) => t.heldOut);
    const own = tickets.map((t) => ({ subject: t.subject, body: t.body }));
    const before = { heldOut: await answeredAtL1(store, heldOut), own: await answeredAtL1(store, own) };

    const started = performance.now();
    const kb = join(dir, 'repo');
    const drafted: { topic: string; intent: string }[] = [];
    let personal = 0;
    for (const ticket of tickets) {
      const { ticketId } = await recordSolvedTicket(store, ticket);
      const planned = await draftFromTicket({ store, llm: undefined, log }, ticketId, 'docs/kb');
      if ('none' in planned) throw new Error(`no article from "${ticket.subject}": ${planned.none}`);
      if (personalDataIn(planned.file.markdown, ticket).length > 0) personal += 1;
      await mkdir(dirname(join(kb, planned.file.path)), { recursive: true });
      await writeFile(join(kb, planned.file.path), planned.file.markdown);
      drafted.push({ topic: ticket.topic, intent: planned.file.intent });
    }
    // The merge: the learned folder imported as WowSearch imports a merged pull request's articles.
    await importArticles(store, join(kb, 'docs/kb/learned'), { source: 'github:docs/kb/learned' });
    const draftMs = performance.now() - started;
    const after = { heldOut: await answeredAtL1(store, heldOut), own: await answeredAtL1(store, own) };

    const l1Intents = drafted.filter((d) => ['how-to', 'billing-question', 'account'].includes(d.intent)).length;
    console.log(
      `${tickets.length} solved L2/L3 tickets rated good → ${drafted.length} articles (extractive, no model; ` +
        `${l1Intents} of intents L1 answers alone, ${drafted.length - l1Intents} security/privacy/outage kept for a person), ` +
        `${personal} holding a customer's name, organisation or address; drafted in ${draftMs.toFixed(0)} ms\n`,
    );
    printTable([
      ['questions', 'n', 'L1 before', 'L1 after'],
      [
        'held-out (new customers, paraphrased)',
        String(heldOut.length),
        pct(shareOf(before.heldOut)),
        pct(shareOf(after.heldOut)),
      ],
      ['the solved tickets themselves', String(own.length), pct(shareOf(before.own)), pct(shareOf(after.own))],
    ]);
    const missed = tickets.filter((_, i) => after.heldOut[i] !== true).map((t) => `${t.heldOut.subject} (${t.topic})`);
    if (missed.length > 0) console.log(`\nstill not answered at L1: ${missed.join('; ')}`);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
