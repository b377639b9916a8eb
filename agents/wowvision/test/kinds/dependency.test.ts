import { afterEach, describe, expect, it } from 'vitest';
import { packWith, tempRepo, where, type TempRepo } from '../support/temp-repo.ts';

let repo: TempRepo | undefined;
afterEach(async () => repo?.dispose());

describe('dependency rules', () => {
  it('finds forbidden imports however they are written: relative, index, alias, re-export, import(), require()', async () => {
    repo = await tempRepo({
      ...packWith({ kind: 'dependency', from: 'src/domain/**', to: 'src/infra/**' }),
      'tsconfig.json': '{ "compilerOptions": { "baseUrl": ".", "paths": { "@infra/*": ["src/infra/*"] } } }',
      'src/infra/db.ts': 'export const db = 1;\n',
      'src/infra/index.ts': 'export * from "./db.ts";\n',
      'src/domain/ok.ts': 'export const ok = 1;\n',
    });
    await repo.write({
      'src/domain/order.ts': [
        "import { db } from '../infra/db.js';", // .js written, .ts on disk
        "import * as infra from '../infra';", // folder → index.ts
        "import { db as d2 } from '@infra/db';", // tsconfig paths
        "export { db as db3 } from '../infra/db.ts';",
        "const lazy = () => import('../infra/db.ts');",
        "const old = require('../infra/db.ts');",
        "import { ok } from './ok.ts';",
        'export { lazy, old, ok, db, infra, d2 };',
      ].join('\n'),
    });
    const review = await repo.review({ base: 'main' });
    expect(where(review)).toEqual([
      'src/domain/order.ts:1 src/domain/order.ts imports src/infra/db.ts ("../infra/db.js")',
      'src/domain/order.ts:2 src/domain/order.ts imports src/infra/index.ts ("../infra")',
      'src/domain/order.ts:3 src/domain/order.ts imports src/infra/db.ts ("@infra/db")',
      'src/domain/order.ts:4 src/domain/order.ts re-exports src/infra/db.ts ("../infra/db.ts")',
      'src/domain/order.ts:5 src/domain/order.ts loads src/infra/db.ts ("../infra/db.ts")',
      'src/domain/order.ts:6 src/domain/order.ts loads src/infra/db.ts ("../infra/db.ts")',
    ]);
    expect(review.findings[0]).toMatchObject({ rule: 'the-rule', severity: 'error', column: 20 });
    expect(review.conclusion).toBe('failure');
  });

  it("uses each package's own tsconfig paths in a monorepo", async () => {
    repo = await tempRepo({
      ...packWith({ kind: 'dependency', from: 'packages/web/**', to: 'packages/api/src/internal/**' }),
      'packages/web/tsconfig.json':
        '{ // comments are allowed\n "compilerOptions": { "paths": { "#api/*": ["../api/src/*"] } } }',
      'packages/api/tsconfig.json': '{ "compilerOptions": { "paths": { "#api/*": ["./nowhere/*"] } } }',
      'packages/api/src/internal/secret.ts': 'export const s = 1;\n',
    });
    await repo.write({ 'packages/web/page.ts': "import { s } from '#api/internal/secret';\nexport const p = s;\n" });
    expect(where(await repo.review({ base: 'main' }))).toEqual([
      'packages/web/page.ts:1 packages/web/page.ts imports packages/api/src/internal/secret.ts ("#api/internal/secret")',
    ]);
  });

  it("resolves subpath imports (#name) through the nearest package.json's imports field", async () => {
    repo = await tempRepo({
      ...packWith({ kind: 'dependency', from: 'agents/**', to: { path: 'platform/**', pathNot: 'platform/index.ts' } }),
      'package.json': JSON.stringify({
        type: 'module',
        imports: {
          '#platform': './platform/index.ts',
          '#platform/internal/*': { types: './platform/*.ts', default: './platform/*.js' },
          '#lodash': 'lodash',
        },
      }),
      'platform/index.ts': 'export const entry = 1;\n',
      'platform/bus.ts': 'export const bus = 1;\n',
      // A package of its own: Node stops at its package.json, which maps nothing.
      'agents/own/package.json': '{ "name": "own" }',
    });
    await repo.write({
      'agents/a/index.ts':
        "import { entry } from '#platform';\nimport { bus } from '#platform/internal/bus';\nimport _ from '#lodash';\nexport { entry, bus, _ };\n",
      'agents/own/index.ts': "import { bus } from '#platform/internal/bus';\nexport { bus };\n",
    });
    expect(where(await repo.review({ base: 'main' }))).toEqual([
      'agents/a/index.ts:2 agents/a/index.ts imports platform/bus.ts ("#platform/internal/bus")',
    ]);
  });

  it('resolves a wildcard subpath import whose target has the * mid-path (#domains/* → ./domains/*/index.ts)', async () => {
    repo = await tempRepo({
      // Each domain only through its entry; its own folders are its own (domains-through-their-entry).
      ...packWith({
        kind: 'dependency',
        from: { path: ['domains/(*)/**', '**'] },
        to: { path: 'domains/**', pathNot: ['domains/$1/**', 'domains/*/index.ts'] },
      }),
      'package.json': JSON.stringify({ type: 'module', imports: { '#domains/*': './domains/*/index.ts' } }),
      'domains/support/index.ts': "export { ticket } from './src/ticket.ts';\n",
      'domains/support/src/ticket.ts': 'export const ticket = 1;\n',
      'domains/billing/index.ts': 'export const invoice = 1;\n',
    });
    await repo.write({
      'app/door.ts': "import { ticket } from '#domains/support';\nexport { ticket };\n",
      // The pattern maps to entries only: this names domains/support/src/ticket/index.ts, no file.
      'agents/a/index.ts': "import { ticket } from '#domains/support/src/ticket';\nexport { ticket };\n",
      'domains/billing/src/bill.ts':
        "import { ticket } from '../../support/src/ticket.ts';\nimport { invoice } from '#domains/billing';\nexport { ticket, invoice };\n",
    });
    expect(where(await repo.review({ base: 'main' }))).toEqual([
      'domains/billing/src/bill.ts:1 domains/billing/src/bill.ts imports domains/support/src/ticket.ts ("../../support/src/ticket.ts")',
    ]);
  });

  it('tells type-only imports apart when the rule asks', async () => {
    repo = await tempRepo({
      ...packWith({ kind: 'dependency', from: 'ui/**', to: { path: 'db/**', typeOnly: false } }),
      'db/model.ts': 'export interface Row { id: string }\nexport const rows: Row[] = [];\n',
    });
    await repo.write({
      'ui/types-only.ts':
        "import type { Row } from '../db/model.ts';\nimport { type Row as R2 } from '../db/model.ts';\nexport type { Row, R2 };\n",
      'ui/value.ts': "import { rows } from '../db/model.ts';\nexport const n = rows.length;\n",
    });
    expect(where(await repo.review({ base: 'main' }))).toEqual([
      'ui/value.ts:1 ui/value.ts imports db/model.ts ("../db/model.ts")',
    ]);
  });

  it('forbids external packages and built-ins by name', async () => {
    repo = await tempRepo(
      packWith({ kind: 'dependency', from: 'src/**', to: { external: ['lodash', 'node:child_process'] } }),
    );
    await repo.write({
      'src/a.ts':
        "import _ from 'lodash/fp';\nimport { exec } from 'child_process';\nimport { readFile } from 'node:fs/promises';\nexport { _, exec, readFile };\n",
    });
    expect(where(await repo.review({ base: 'main' }))).toEqual([
      'src/a.ts:1 src/a.ts imports lodash',
      'src/a.ts:2 src/a.ts imports node:child_process',
    ]);
  });

  it('keeps peer folders apart with captures ($1)', async () => {
    repo = await tempRepo({
      ...packWith({
        kind: 'dependency',
        from: 'features/(*)/**',
        to: { path: 'features/*/**', pathNot: 'features/$1/**' },
      }),
      'features/cart/a.ts': 'export const a = 1;\n',
      'features/cart/b.ts': 'export const b = 1;\n',
      'features/pay/c.ts': 'export const c = 1;\n',
    });
    await repo.write({
      'features/cart/use.ts': "import { b } from './b.ts';\nimport { c } from '../pay/c.ts';\nexport { b, c };\n",
    });
    expect(where(await repo.review({ base: 'main' }))).toEqual([
      'features/cart/use.ts:2 features/cart/use.ts imports features/pay/c.ts ("../pay/c.ts")',
    ]);
  });

  it('allowOnly reports every import outside the allowed list', async () => {
    repo = await tempRepo({
      ...packWith({ kind: 'dependency', from: 'core/**', allowOnly: ['core/**', { external: 'node:*' }] }),
      'core/x.ts': 'export const x = 1;\n',
      'web/y.ts': 'export const y = 1;\n',
    });
    await repo.write({
      'core/z.ts':
        "import { x } from './x.ts';\nimport { y } from '../web/y.ts';\n" +
        "import { join } from 'node:path';\nimport React from 'react';\nexport { x, y, join, React };\n",
    });
    expect(where(await repo.review({ base: 'main' }))).toEqual([
      'core/z.ts:2 core/z.ts imports web/y.ts ("../web/y.ts"), which is not among the allowed imports',
      'core/z.ts:4 core/z.ts imports react, which is not among the allowed imports',
    ]);
  });

  it('blocks only lines the change adds; --all judges everything', async () => {
    repo = await tempRepo({
      ...packWith({ kind: 'dependency', from: 'a/**', to: 'b/**' }),
      'b/x.ts': 'export const x = 1;\n',
      'a/old.ts': "import { x } from '../b/x.ts';\nexport const y = x;\n",
    });
    await repo.write({ 'a/old.ts': "import { x } from '../b/x.ts';\nexport const y = x;\nexport const z = 2;\n" });
    const review = await repo.review({ base: 'main' });
    expect(review.findings).toEqual([]);
    expect(review.outOfScope).toBe(1);
    expect(review.conclusion).toBe('success');
    expect(where(await repo.review({ all: true }))).toEqual(['a/old.ts:1 a/old.ts imports b/x.ts ("../b/x.ts")']);
  });
});
