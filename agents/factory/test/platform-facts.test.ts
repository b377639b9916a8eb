import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { platformFacts } from '../src/questionnaire/platform-facts.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'wow-platform-facts-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function write(files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

describe("the platform's facts", () => {
  it("takes the events published without an agent from the platform and each domain's domain.yml", async () => {
    await write({
      'agents/notifier/agent.yml':
        'id: notifier\nname: Notifier\nversion: 1.0.0\ndescription: Sends notices.\nwakesOn: [billing.invoice.paid]\nemits: [notice.sent]\n',
      'domains/billing/domain.yml': 'name: billing\ndescription: Invoices.\nemits: [billing.invoice.paid]\n',
      'domains/drafts/migrations/0001_drafts.sql': 'select 1;\n',
    });
    const facts = await platformFacts(join(root, 'agents'));
    expect(facts.agents).toEqual(['notifier']);
    expect([...facts.emittedBy]).toEqual([['notice.sent', 'notifier']]);
    expect(facts.platformEvents).toEqual([
      'github.*',
      'agent.deployed',
      'agent.deploy.failed',
      'security.violation',
      'identity.approval.waiting',
      'communication.circuit.changed',
      'integration.webhook.received',
      'error.occurred',
      'communication.request.completed',
      'billing.invoice.paid',
    ]);
  });

  it("knows this repository's support intake events from domains/support/domain.yml", async () => {
    const facts = await platformFacts(new URL('../../', import.meta.url).pathname);
    expect(facts.platformEvents).toEqual(
      expect.arrayContaining(['github.*', 'agent.deployed', 'support.ticket.opened']),
    );
  });
});
