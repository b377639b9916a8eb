import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCheckout } from '../../../test/support/agent-checkout.ts';
import { overlaySnapshot, workingTreeSnapshot } from '../../wowvision/src/index.ts';
import {
  loadQuestionnaire,
  loadTemplates,
  planNewAgent,
  platformFacts,
  readAnswersFile,
  type NewAgentPlan,
  type Questionnaire,
} from '../src/index.ts';

// Every template, rendered over answers chosen to vary what templates branch on (tier, tables,
// events, several examples, quotes and backslashes in names), must give an agent that passes
// this repository's gate (WowVision + typecheck) and then its own generated tests.
const root = fileURLToPath(new URL('../../..', import.meta.url));
const fixtures = fileURLToPath(new URL('fixtures/', import.meta.url));
const matrix = [
  'coe-stores.yml',
  'coe-announcer.yml',
  'coe-requests.yml',
  'domain-marketing.yml',
  'domain-quoting.yml',
  'domain-store-only.yml',
  'customer-checker.yml',
];

let q: Questionnaire;
const plans = new Map<string, Extract<NewAgentPlan, { did: 'ready' | 'blocked' }>>();

beforeAll(async () => {
  q = await loadQuestionnaire();
  const templates = await loadTemplates();
  const facts = await platformFacts(join(root, 'agents'));
  // One after another on a growing repository, as merged PRs would land (migration numbers).
  let base = await workingTreeSnapshot(root);
  for (const file of matrix) {
    const { answers } = readAnswersFile(await readFile(join(fixtures, file), 'utf8'), file, q);
    const plan = await planNewAgent({ answers, questionnaire: q, facts, templates, base, typecheckRoot: root });
    if (plan.did === 'invalid') throw new Error(`${file}: ${JSON.stringify(plan.problems)}`);
    plans.set(file, plan);
    base = overlaySnapshot(base, plan.generated.files);
  }
}, 120_000);

describe('templates over a matrix of answers', () => {
  it('uses every template at least once', async () => {
    const used = new Set([...plans.values()].map((p) => p.generated.template.name));
    expect([...used].sort()).toEqual((await loadTemplates()).map((t) => t.name).sort());
  });

  it.each(matrix)('%s: passes the gate (WowVision rules of this repository, typecheck)', (file) => {
    const plan = plans.get(file);
    expect(plan?.gate.typeErrors).toEqual([]);
    expect(plan?.gate.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(plan?.did).toBe('ready');
  });

  describe('the generated agents pass their own tests on the real runtime', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'factory-matrix-'));
      await makeCheckout(dir);
      for (const plan of plans.values()) {
        for (const [path, text] of plan.generated.files) {
          if (!path.startsWith('agents/')) continue;
          await mkdir(dirname(join(dir, path)), { recursive: true });
          await writeFile(join(dir, path), text);
        }
      }
    });
    afterAll(async () => {
      if (process.env.KEEP_MATRIX === undefined) await rm(dir, { recursive: true, force: true });
      else console.log(dir);
    });

    it('every generated test passes', async () => {
      const tests = (await readdir(join(dir, 'agents'), { recursive: true })).filter((p) => p.endsWith('.test.ts'));
      expect(tests).toHaveLength(matrix.length);
      // The generated tests run as this repository runs them (vitest.config.ts): their hooks start an
      // embedded PostgreSQL, which takes longer than vitest's default 10 s on a busy machine.
      const run = await promisify(execFile)(
        process.execPath,
        [
          join(root, 'node_modules', 'vitest', 'vitest.mjs'),
          'run',
          '--root',
          dir,
          '--hookTimeout',
          '60000',
          '--testTimeout',
          '30000',
          '--reporter',
          'json',
          '--outputFile',
          join(dir, 'report.json'),
          ...tests.map((t) => join('agents', t)),
        ],
        { cwd: dir, maxBuffer: 1 << 26 },
      ).catch((err: unknown) => err as { stdout: string; stderr: string });
      const report = JSON.parse(
        await readFile(join(dir, 'report.json'), 'utf8').catch(() => `{"error": ${JSON.stringify(run.stderr)}}`),
      ) as {
        numFailedTests: number;
        numPassedTests: number;
        numPendingTests: number;
        numTodoTests: number;
        testResults: {
          name: string;
          message: string;
          assertionResults: { fullName: string; failureMessages: string[] }[];
        }[];
      };
      const examples = [...plans.values()].reduce(
        // domain-llm adds a run without a model; customer-agent one per task type.
        (n, p) =>
          n +
          p.request.acceptance.length +
          (p.generated.template.name === 'domain-llm' ? 1 : 0) +
          (p.generated.template.name === 'customer-agent' ? p.request.tasks.length : 0),
        0,
      );
      expect({
        failed: report.numFailedTests,
        skipped: report.numPendingTests + report.numTodoTests,
        messages: report.testResults
          .flatMap((r) => [
            r.message,
            ...r.assertionResults.flatMap((a) => a.failureMessages.map((m) => `${a.fullName}: ${m.slice(0, 600)}`)),
          ])
          .filter(Boolean),
      }).toEqual({ failed: 0, skipped: 0, messages: [] });
      expect(report.numPassedTests).toBe(examples);
    }, 300_000);
  });
});
