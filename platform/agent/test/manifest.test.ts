import { readFileSync, writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadManifests, parseManifest } from '../load-manifests.ts';
import { manifestSchema } from '../manifest-schema.ts';
import { isWowError } from '../../errors/define-errors.ts';

const fixtures = new URL('../../../test/fixtures/', import.meta.url).pathname;

describe('agent manifests', () => {
  it('loads valid manifests with defaults filled in, skipping folders without one', async () => {
    const loaded = await loadManifests(`${fixtures}agents`);
    expect(loaded.map((l) => l.manifest.id)).toEqual(['asker', 'echo', 'feeder', 'rogue', 'slow', 'tally', 'typed']);
    expect(loaded.find((l) => l.manifest.id === 'rogue')?.manifest).toMatchObject({
      emits: [],
      capabilities: [],
      stores: [],
      ordered: false,
    });
  });

  it('reports every problem with file, line, column and field', () => {
    const text = readFileSync(`${fixtures}bad-agents/broken/agent.yml`, 'utf8');
    const result = parseManifest(text, 'agents/broken/agent.yml', 'broken');
    expect('problems' in result && result.problems).toEqual([
      'agents/broken/agent.yml:3:10 version: expected a semantic version, e.g. "1.0.0"',
      'agents/broken/agent.yml:7:5 wakesOn[1]: expected an event type or a "<domain>.<entity>.*" pattern, e.g. "github.pull_request.*"',
      'agents/broken/agent.yml:8:23 emits[1]: expected an event type, e.g. "vision.review.completed"',
      'agents/broken/agent.yml:9:1 colour: unknown field; the fields are id, name, version, ' +
        'description, tier, wakesOn, emits, answers, capabilities, stores, uses, concurrency, ordered, maxAttempts, visibilityTimeoutMs, catalog, tasks, scaling',
    ]);
  });

  it('reports YAML syntax errors and an id that is not the folder name', () => {
    const yamlError = parseManifest(
      readFileSync(`${fixtures}bad-agents/badyaml/agent.yml`, 'utf8'),
      'agents/badyaml/agent.yml',
      'badyaml',
    );
    expect('problems' in yamlError && yamlError.problems[0]).toMatch(/^agents\/badyaml\/agent\.yml:\d+:\d+ YAML: /);
    const misnamed = parseManifest(
      readFileSync(`${fixtures}bad-agents/misnamed/agent.yml`, 'utf8'),
      'agents/misnamed/agent.yml',
      'misnamed',
    );
    expect('problems' in misnamed && misnamed.problems).toEqual([
      'agents/misnamed/agent.yml:1:5 id: expected "misnamed", the folder\'s name; got "other-name"',
    ]);
    expect(parseManifest('- a list', 'x/agent.yml', 'x')).toEqual({
      problems: ['x/agent.yml:1:1 (root): expected a mapping of fields (id, name, version, …)'],
    });
  });

  it('throws one error listing all problems of all manifests', async () => {
    const err: unknown = await loadManifests(`${fixtures}bad-agents`).catch((e: unknown) => e);
    expect(isWowError(err, 'WOW_ERR_MANIFEST_INVALID')).toBe(true);
    const message = (err as Error).message;
    expect(message).toContain('6 problem(s) in agent manifests');
    expect(message).toMatch(/bad-agents\/broken\/agent\.yml:3:10 version/);
    expect(message).toMatch(/bad-agents\/misnamed\/agent\.yml:1:5 id/);
    expect(message).toMatch(/bad-agents\/badyaml\/agent\.yml:\d+:\d+ YAML/);
  });

  it('publishes the schema for editors as platform/agent/agent.schema.json', async () => {
    const path = new URL('../agent.schema.json', import.meta.url);
    // Formatted as the rest of the tree is, so lint and this test agree on its bytes.
    const current = await format(JSON.stringify(z.toJSONSchema(manifestSchema, { io: 'input' })), {
      ...(await resolveConfig(path)),
      filepath: path.pathname,
    });
    if (process.env.WRITE_SCHEMA === '1') writeFileSync(path, current);
    expect(readFileSync(path, 'utf8')).toBe(current);
  });
});
