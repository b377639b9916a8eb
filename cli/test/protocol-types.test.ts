import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { loadManifests, type AnsweredType, type ProtocolTypes, type Requester } from '#platform';
import { findProtocolSources, protocolTypesFile, renderProtocolTypes } from '../protocols/render-protocol-types.ts';

const root = join(import.meta.dirname, '../..');

describe('the generated protocol map', () => {
  it('is in step with every agent.yml `answers:` (wow protocols types --check)', async () => {
    const manifests = await loadManifests(join(root, 'agents'));
    const sources = await findProtocolSources(root, manifests);
    const answered = manifests.flatMap((m) => Object.keys(m.manifest.answers ?? {})).sort();
    expect(sources.map((s) => s.type).sort()).toEqual(answered);
    expect(await readFile(join(root, protocolTypesFile), 'utf8')).toBe(await renderProtocolTypes(root, sources));
  });

  it('types a request named by its type from the answering protocol, and refuses a wrong input or type', () => {
    expectTypeOf<AnsweredType>().toEqualTypeOf<keyof ProtocolTypes>();
    expectTypeOf<'search.articles'>().toExtend<AnsweredType>();
    // Never called: the assertions are the compiler's (npm run typecheck compiles this file).
    const typed = (request: Requester) => {
      expectTypeOf(request('search.articles', { query: 'reset password' })).resolves.toHaveProperty('articles');
      expectTypeOf(request('cache.stats', {})).resolves.not.toBeAny();
      // @ts-expect-error a search needs a query
      void request('search.articles', { limit: 3 });
      // @ts-expect-error the query is text
      void request('search.articles', { query: 42 });
      // @ts-expect-error nobody answers this type
      void request('search.nobody', {});
    };
    expect(typed).toBeTypeOf('function');
  });
});
