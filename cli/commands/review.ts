import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { createError } from '../errors.ts';
import { exitCodes, type CliIo } from '../cli-io.ts';

interface ReviewOptions {
  base?: string;
  head?: string;
  format: 'text' | 'json' | 'sarif';
  all?: boolean;
  config?: string;
  output?: string;
  writeBaseline?: boolean;
  explain?: string;
  cache: boolean;
  cwd: string;
  trustedCode?: boolean;
  toolTimeout: number;
}

export function registerReviewCommand(program: Command, io: CliIo, setCode: (code: number) => void): void {
  program
    .command('review')
    .description(
      'Review a change of this git repository with WowVision: the same rules and findings as the GitHub check. Exit code 1 when a finding blocks (an error), 0 otherwise.',
    )
    .option('--base <ref>', 'compare with the merge base of this ref (e.g. origin/main); its rules judge the change')
    .option('--head <ref>', 'review this commit instead of the working tree')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'sarif']).default('text'))
    .option('--all', 'judge every file, not only what the change touches')
    .option('--config <file>', 'a rule pack to use instead of .github/wowvision.yml')
    .option('--output <file>', 'write the report to a file instead of standard output')
    .option('--write-baseline', "record every current finding in the pack's baseline file, so only new ones block")
    .option('--explain <rule>', 'say what a rule checks and why, and exit')
    .option('--no-cache', 'do not keep per-file results in the git directory')
    .option(
      '--trusted-code',
      "let tool rules (eslint, coverage) run the head's own ESLint config and plugins, on a clean export of the head; only for code you trust",
    )
    .option('--no-trusted-code', 'list tool rules as not run instead (the default)')
    .addOption(
      new Option('--tool-timeout <seconds>', 'stop a tool rule that runs longer, and report it')
        .argParser(seconds)
        .default(600),
    )
    .option('-C, --cwd <dir>', 'the repository to review', '.')
    .addHelpText(
      'after',
      '\nExamples:\n  wow review --base origin/main        what a pull request from this branch would get\n  wow review --all                     the whole repository, as CI runs it\n  wow review --base main --format sarif --output wowvision.sarif',
    )
    .action(async (opts: ReviewOptions) => {
      // The engine alone: a review without a model starts without the platform's runtime (its
      // database, bus and model clients), and without its configuration, whose schema library
      // costs more than the rest of a warm review's start-up; it only says which model.
      const { baselineOf, explainRule, formatText, reviewLocalRepo, toSarif } =
        await import('../../agents/wowvision/src/engine.ts');
      const llm =
        io.env.LLM_MODEL === undefined ? undefined : (await import('#platform/config')).loadConfig(io.env).llm;
      const advisor =
        llm === undefined || opts.explain !== undefined || opts.writeBaseline === true
          ? undefined
          : (await import('#platform')).createLlmClient(llm);
      // A checkout under review is often someone else's branch, on a developer's machine as in
      // CI, with .env files and credentials in reach: its code runs only when asked.
      const trustedCode = opts.trustedCode === true;
      const options = {
        cwd: opts.cwd,
        base: opts.base,
        head: opts.head,
        all: opts.all === true || opts.writeBaseline === true,
        config: opts.config,
        persistCache: opts.cache,
        advisor,
        trustedCode,
        toolEnv: io.env,
        toolTimeoutMs: opts.toolTimeout * 1000,
      };
      const result = await reviewLocalRepo(options).catch((err: unknown) => {
        throw createError('WOW_ERR_CLI_USAGE', { problem: (err as Error).message }, { cause: err });
      });
      const { review, pack } = result;
      if (opts.explain !== undefined) {
        if (pack === undefined)
          throw createError('WOW_ERR_CLI_USAGE', {
            problem: 'the rule pack is invalid; run wow review to see its problems',
          });
        io.stdout.write(explainRule(pack, opts.explain).replace(/\*\*/g, '') + '\n');
        setCode(pack.rules.some((r) => r.name === opts.explain) ? exitCodes.ok : exitCodes.usage);
        return;
      }
      if (opts.writeBaseline === true) {
        if (pack?.baseline === undefined)
          throw createError('WOW_ERR_CLI_USAGE', {
            problem:
              'the rule pack names no baseline file; add `baseline: .github/wowvision-baseline.json` to it first',
          });
        const all = [...review.findings, ...review.baselined];
        await writeFile(join(result.root, pack.baseline), JSON.stringify(baselineOf(all), null, 2) + '\n');
        io.stdout.write(
          `Wrote ${all.length} finding(s) to ${pack.baseline}. Commit it; from then on only new findings block.\n`,
        );
        setCode(exitCodes.ok);
        return;
      }
      const report =
        opts.format === 'json'
          ? JSON.stringify({ base: result.base ?? null, head: result.head, ...review }, null, 2)
          : opts.format === 'sarif'
            ? JSON.stringify(toSarif(review, { version: '1.0.0', uri: 'https://github.com/waooaw/waooaw' }), null, 2)
            : formatText(review, { color: opts.output === undefined && io.color === true });
      if (opts.output !== undefined) await writeFile(opts.output, report + '\n');
      else io.stdout.write(report + '\n');
      if (opts.output !== undefined && opts.format !== 'text')
        io.stderr.write(`${formatText(review).split('\n').at(-1) ?? ''}\n`);
      setCode(review.conclusion === 'failure' ? exitCodes.failed : exitCodes.ok);
    });
}

function seconds(value: string): number {
  if (!/^[1-9]\d{0,4}$/.test(value))
    throw new InvalidArgumentError('expected a whole number of seconds from 1 to 99999');
  return Number(value);
}
