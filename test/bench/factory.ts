import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  gateGeneratedFiles,
  generateAgent,
  loadQuestionnaire,
  loadTemplates,
  planNewAgent,
  platformFacts,
  readAnswersFile,
  templateForTier,
  validateAnswers,
} from '../../agents/factory/src/index.ts';
import { workingTreeSnapshot } from '../../agents/wowvision/src/index.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A valid questionnaire to a ready commit tree, as the App's door does it (excluding the
 * network): validate, render, edit the catalogue, gate with WowVision and the typecheck.
 * The reference in the same process is rendering alone; the parts are timed on their own.
 */
export async function benchFactory(args: string[]): Promise<void> {
  const rounds = Number(args[0] ?? 5);
  const q = await loadQuestionnaire();
  const templates = await loadTemplates();
  const facts = await platformFacts(join(root, 'agents'));
  const base = await workingTreeSnapshot(root);
  const file = join(root, 'agents/factory/test/fixtures/coe-stores.yml');
  const { answers } = readAnswersFile(await readFile(file, 'utf8'), file, q);
  const checked = validateAnswers(answers, q, facts);
  if ('problems' in checked) throw new Error(JSON.stringify(checked.problems));
  const time = async (fn: () => Promise<unknown>) => {
    const start = performance.now();
    await fn();
    return performance.now() - start;
  };
  const runs: Record<'render' | 'vision' | 'typecheck' | 'total', number[]> = {
    render: [],
    vision: [],
    typecheck: [],
    total: [],
  };
  for (let i = 0; i < rounds; i++) {
    let files = new Map<string, string>();
    runs.render.push(
      await time(async () => {
        files = (
          await generateAgent({
            request: checked.request,
            answers,
            template: templateForTier(templates, checked.request.tier),
            questionnaire: q,
            repo: base,
          })
        ).files;
      }),
    );
    runs.vision.push(await time(() => gateGeneratedFiles({ base, files })));
    runs.typecheck.push(
      await time(() =>
        gateGeneratedFiles({
          base: { blobs: new Map(), read: () => Promise.reject(new Error('none')) },
          files,
          typecheckRoot: root,
        }),
      ),
    );
    runs.total.push(
      await time(async () => {
        const plan = await planNewAgent({ answers, questionnaire: q, facts, templates, base, typecheckRoot: root });
        if (plan.did !== 'ready')
          throw new Error(
            `the bench's answers did not pass the gate: ${JSON.stringify('problems' in plan ? plan.problems : plan.gate)}`,
          );
      }),
    );
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  console.log(
    `repository: ${base.blobs.size} files; answers: ${file.slice(root.length)}; ${rounds} rounds (the first is cold)`,
  );
  console.log(`render (reference)       median ${ms(median(runs.render))}`);
  console.log(`gate: WowVision          median ${ms(median(runs.vision))}`);
  console.log(`gate: typecheck          median ${ms(median(runs.typecheck))}, cold ${ms(runs.typecheck[0] ?? 0)}`);
  console.log(
    `questionnaire → tree     median ${ms(median(runs.total))}, cold ${ms(runs.total[0] ?? 0)} ` +
      `(goal < 3,000 ms); ${(median(runs.total) / Math.max(1, median(runs.render))).toFixed(0)}× rendering alone`,
  );
}
