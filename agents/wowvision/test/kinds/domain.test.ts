import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { packWith, tempRepo, where, type TempRepo } from '../support/temp-repo.ts';

let repo: TempRepo | undefined;
afterEach(async () => repo?.dispose());

const fixture = (name: string) => readFile(new URL(`../fixtures/domain/${name}`, import.meta.url), 'utf8');

/** A repository on main with the fixture model and an agent using its events. */
async function deskRepo(): Promise<TempRepo> {
  return tempRepo({
    ...packWith({ kind: 'domain' }),
    'domains/desk/model.yml': await fixture('model-v1.yml'),
    'agents/notifier/agent.yml': await fixture('agent.yml'),
  });
}

describe('domain rules', () => {
  it('passes a repository whose declared events are all described, families and patterns included', async () => {
    repo = await deskRepo();
    expect((await repo.review({ all: true })).findings).toEqual([]);
  });

  it('finds a declared event type no model describes, on its line in agent.yml', async () => {
    repo = await deskRepo();
    await repo.write({
      'agents/notifier/agent.yml': (await fixture('agent.yml')).replace(
        '  - desk.ticket.closed',
        '  - desk.ticket.closed\n  - desk.ticket.merged',
      ),
    });
    expect(where(await repo.review({ base: 'main' }))).toEqual([
      'agents/notifier/agent.yml:9 emits lists "desk.ticket.merged", which no domain model describes; add it to the events of domains/<name>/model.yml (type, version: 1, meaning, data: its JSON Schema), in the domain it belongs to',
    ]);
  });

  it('reports an invalid model with file and line, and no undescribed events while it does not load', async () => {
    repo = await deskRepo();
    const model = (await fixture('model-v1.yml')).replace(
      '    version: 1\n    about: Ticket',
      '    version: 0\n    about: Tikcet',
    );
    await repo.write({ 'domains/desk/model.yml': model });
    expect(where(await repo.review({ base: 'main' }))).toEqual([
      'domains/desk/model.yml:10 model.yml: events[0].version: expected a whole number from 1',
    ]);
    await repo.write({ 'domains/desk/model.yml': model.replace('version: 0', 'version: 1') });
    expect(where(await repo.review({ base: 'main' }))).toEqual([
      'domains/desk/model.yml:11 model.yml: events[0].about: "Tikcet" is none of this model\'s entities or value objects (Ticket); add it or correct the name',
    ]);
  });

  it('finds an incompatible data change without a new version: a field removed, a type changed, a field newly required', async () => {
    repo = await deskRepo();
    const v1 = await fixture('model-v1.yml');
    // ticketId becomes an integer, channel goes, priority comes as required.
    const incompatible = v1
      .replace(
        'ticketId: { type: string }\n        channel: { type: string }',
        'ticketId: { type: integer }\n        priority: { type: string }',
      )
      .replace('      required: [ticketId]\n', '      required: [ticketId, priority]\n');
    await repo.write({ 'domains/desk/model.yml': incompatible });
    const findings = where(await repo.review({ base: 'main' }));
    expect(findings).toEqual([
      'domains/desk/model.yml:10 desk.ticket.opened changes its data incompatibly (data.ticketId: type string changed to integer; data.channel removed; data.priority newly required) but keeps version 1; set version: 2, so consumers and archived events can tell the shapes apart, or make the change compatible (keep the field, add it as optional)',
    ]);
    // A new optional field is compatible; a bumped version is the fix for the rest.
    await repo.write({
      'domains/desk/model.yml': v1.replace(
        '        channel: { type: string }\n',
        '        channel: { type: string }\n        note: { type: string }\n',
      ),
    });
    expect((await repo.review({ base: 'main' })).findings).toEqual([]);
    await repo.write({
      'domains/desk/model.yml': v1
        .replace('        channel: { type: string }\n', '')
        .replace('    version: 1\n    about: Ticket', '    version: 2\n    about: Ticket'),
    });
    expect((await repo.review({ base: 'main' })).findings).toEqual([]);
  });

  it('finds an event removed from a model while an agent outside the change still declares it', async () => {
    repo = await deskRepo();
    const v1 = await fixture('model-v1.yml');
    await repo.write({
      'domains/desk/model.yml':
        v1.slice(0, v1.indexOf('  - type: desk.ticket.closed')) + v1.slice(v1.indexOf('glossary:')),
    });
    expect(where(await repo.review({ base: 'main' }))).toEqual([
      'domains/desk/model.yml:9 removes desk.ticket.closed, which agents/notifier/agent.yml still declare; keep the event until no manifest lists it, or change those manifests in the same change',
    ]);
  });
});
