// The process a tool kind runs in (see run-tool-kind.ts): its job comes as JSON on standard
// input, its hits go as JSON to standard output. The repository's own code (an ESLint
// config, its plugins) runs here, away from the door's tokens and secrets.
import { text } from 'node:stream/consumers';
import { ruleKinds, type CheckoutView } from '../kinds/index.ts';
import type { ToolJob } from './run-tool-kind.ts';

const job = JSON.parse(await text(process.stdin)) as ToolJob;
const kind = ruleKinds.get(job.kind);
const view: CheckoutView = {
  root: job.root,
  checkout: job.checkout,
  targets: job.targets,
  changes: new Map(job.changes.map(([path, status, lines]) => [path, { path, status, addedLines: new Set(lines) }])),
  pattern: (spec) => job.elements[spec] ?? spec,
  read: async (path) => {
    const found = job.texts[path];
    if (found === undefined) throw new Error(`${path} is not a target of this review`);
    return found;
  },
};
let result: { hits: unknown } | { error: string };
try {
  if (kind?.checkCheckout === undefined) throw new Error(`${job.kind} is not a tool kind`);
  result = { hits: await kind.checkCheckout(job.options, view) };
} catch (err) {
  result = { error: (err as Error).message.split('\n')[0] ?? '' };
}
// A plugin may leave a timer or socket open; the answer is complete once written.
process.stdout.write(JSON.stringify(result), () => process.exit(0));
