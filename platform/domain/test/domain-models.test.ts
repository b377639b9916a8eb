import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isWowError } from '../../errors/define-errors.ts';
import { compareModels, needsVersionBump } from '../compare-models.ts';
import { loadDomainModels, modelCovers, modelEventFor, parseDomainModel } from '../load-domain-models.ts';

const fixture = () => readFile(new URL('fixtures/desk-model.yml', import.meta.url), 'utf8');
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wow-models-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

describe('domain models', () => {
  it('loads each model.yml, skipping folders without one, and finds an event by type or family', async () => {
    await write({ 'desk/model.yml': await fixture(), 'billing/domain.yml': 'name: billing\ndescription: Bills.\n' });
    const models = await loadDomainModels(dir);
    expect(models.map((m) => m.model.name)).toEqual(['desk']);
    expect(modelEventFor(models, 'desk.ticket.opened')?.event.version).toBe(1);
    expect(modelEventFor(models, 'hook.push')).toMatchObject({ domain: 'desk', event: { type: 'hook.*' } });
    expect(modelEventFor(models, 'desk.ticket.closed')).toBeUndefined();
    expect(await loadDomainModels(join(dir, 'none'))).toEqual([]);
  });

  it('reports problems of both stages with file, line and path: the schema, then names, references and JSON Schemas', async () => {
    const text = (await fixture())
      .replace('    about: Ticket', '    about: Tikcet')
      .replace('      required: [ticketId]', '      required: [ticketId]\n      requird: [tier]')
      .replace('  - term: Ticket\n', '  - term: Ticket\n    meaning: Again.\n  - term: ticket\n');
    const result = parseDomainModel(text, 'domains/desk/model.yml', 'desk');
    expect('problems' in result && result.problems).toEqual([
      'domains/desk/model.yml:11:12 events[0].about: "Tikcet" is none of this model\'s entities or value objects (Ticket); add it or correct the name',
      'domains/desk/model.yml:14:7 events[0].data: not a valid JSON Schema (draft 2020-12): strict mode: unknown keyword: "requird"',
      'domains/desk/model.yml:32:11 glossary[1].term: "ticket" is defined twice; keep one meaning',
    ]);
    const structural = parseDomainModel(
      'name: Desk\ndescription: x\nevents:\n  - type: Desk\n    version: 0\n',
      'm.yml',
      'desk',
    );
    expect('problems' in structural && structural.problems).toEqual([
      'm.yml:1:7 name: expected kebab-case, e.g. "support", equal to the folder name',
      'm.yml:4:5 events[0].meaning: expected one sentence on what it means in this domain',
      'm.yml:4:5 events[0].data: expected a JSON Schema, written in YAML',
      'm.yml:4:11 events[0].type: expected an event type, e.g. "support.ticket.opened", or a family pattern such as "github.*"',
      'm.yml:5:14 events[0].version: expected a whole number from 1',
    ]);
  });

  it('refuses an event described by two models, with one error listing every problem', async () => {
    const model = await fixture();
    await write({ 'desk/model.yml': model, 'front/model.yml': model.replace('name: desk', 'name: front') });
    const err: unknown = await loadDomainModels(dir).catch((e: unknown) => e);
    expect(isWowError(err, 'WOW_ERR_DOMAIN_MODEL_INVALID')).toBe(true);
    expect((err as Error).message).toContain('front/model.yml: event "desk.ticket.opened" is also described by');
    expect((err as Error).message).toContain('front/model.yml: event "hook.*" is also described by');
  });

  it('tells a compatible change from an incompatible one, through nested objects and array items', async () => {
    const parse = (text: string) => {
      const r = parseDomainModel(text, 'm.yml', 'desk');
      if ('problems' in r) throw new Error(r.problems.join('\n'));
      return r.model;
    };
    const before = parse(await fixture());
    const optional = parse(
      (await fixture()).replace(
        'tier: { type: string, enum: [L1, L2] }',
        'tier: { type: string, enum: [L1, L2] }\n        note: { type: string }',
      ),
    );
    expect(compareModels(before, optional)).toEqual([
      { type: 'desk.ticket.opened', change: 'changed', versionBefore: 1, versionAfter: 1, incompatible: [] },
    ]);
    const breaking = parse(
      (await fixture())
        .replace('tier: { type: string, enum: [L1, L2] }', 'tier: { type: integer }')
        .replace(
          'required: [name], properties: { name: { type: string } }',
          'required: [kind], properties: { kind: { type: string } }',
        ),
    );
    const [change] = compareModels(before, breaking);
    expect(change?.incompatible).toEqual([
      'data.tier: type string changed to integer',
      'data.tags[].name removed',
      'data.tags[].kind newly required',
    ]);
    expect(change !== undefined && needsVersionBump(change)).toBe(true);
    expect(compareModels(before, undefined).map((c) => `${c.type} ${c.change}`)).toEqual([
      'desk.ticket.opened removed',
      'hook.* removed',
    ]);
  });

  it('says which declared types and patterns a model entry covers', () => {
    expect(modelCovers('support.ticket.opened', 'support.ticket.*')).toBe(true);
    expect(modelCovers('support.ticket.opened', 'support.message.*')).toBe(false);
    expect(modelCovers('github.*', 'github.pull_request.*')).toBe(true);
    expect(modelCovers('github.*', 'github.issues.opened')).toBe(true);
    expect(modelCovers('github.*', 'gitlab.push')).toBe(false);
  });
});
