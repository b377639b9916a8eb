import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseDomainModel } from '#platform';
import { snapshotOf } from '../../wowvision/src/engine.ts';
import { gitBlobId } from '../../wowvision/src/repo/git-blob-id.ts';
import { describeNewEvents } from '../src/generate/describe-new-events.ts';
import type { AgentRequest } from '../src/questionnaire/validate-answers.ts';

const root = new URL('../../../', import.meta.url);
const request = {
  id: 'ticket-merger',
  name: 'Ticket Merger',
  purpose: 'Merges duplicate tickets.',
  emits: ['support.ticket.merged', 'support.ticket.answered', 'ledger.entry.recorded'],
} as AgentRequest;

describe('the domain model entries of a generated agent', () => {
  it("adds each new type to its domain's model (keeping its comments), creates a missing model, and renders their pages", async () => {
    const support = await readFile(new URL('domains/support/model.yml', root), 'utf8');
    const repo = snapshotOf(
      new Map([
        ['domains/support/model.yml', support],
        ['docs/domains/support.md', 'old page\n'],
      ]),
      gitBlobId,
    );
    const files = await describeNewEvents(repo, request);
    expect([...files.keys()].sort()).toEqual([
      'docs/domains/ledger.md',
      'docs/domains/support.md',
      'domains/ledger/model.yml',
      'domains/support/model.yml',
    ]);
    const edited = files.get('domains/support/model.yml') ?? '';
    expect(edited.startsWith(support.slice(0, support.indexOf('\nname:')))).toBe(true);
    const parsed = parseDomainModel(edited, 'domains/support/model.yml', 'support');
    if ('problems' in parsed) throw new Error(parsed.problems.join('\n'));
    // Only the type no model described: support.ticket.answered was there already.
    const added = parsed.model.events.filter((e) => e.meaning.startsWith('Sent by Ticket Merger'));
    expect(added.map((e) => [e.type, e.version, e.data.type])).toEqual([['support.ticket.merged', 1, 'object']]);
    const ledger = parseDomainModel(files.get('domains/ledger/model.yml') ?? '', 'domains/ledger/model.yml', 'ledger');
    expect('model' in ledger && ledger.model.events.map((e) => e.type)).toEqual(['ledger.entry.recorded']);
    expect(files.get('docs/domains/ledger.md')).toContain('| `ledger.entry.recorded` | 1 |');
  });

  it('changes nothing when every type is described', async () => {
    const support = await readFile(new URL('domains/support/model.yml', root), 'utf8');
    const repo = snapshotOf(new Map([['domains/support/model.yml', support]]), gitBlobId);
    expect(await describeNewEvents(repo, { ...request, emits: ['support.ticket.solved'] })).toEqual(new Map());
  });
});
