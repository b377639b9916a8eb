import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { exitCodes, type CliIo } from '../cli-io.ts';

interface Where {
  cwd: string;
}

const dirsOf = (cwd: string) => {
  const root = resolve(cwd);
  return { root, domainsDir: join(root, 'domains'), agentsDir: join(root, 'agents'), docsDir: join(root, 'docs') };
};

export function registerDomainCommands(program: Command, io: CliIo, setCode: (code: number) => void): void {
  const domain = program
    .command('domain')
    .description('The domain models (domains/<name>/model.yml): entities, events with their schemas, glossaries');

  domain
    .command('check')
    .description(
      'Check every domain model: it loads (schema, JSON Schemas of event data, unique names), every event type ' +
        'an agent or domain declares is described by one, and docs/domains/<name>.md matches its model. ' +
        'Exit code 1 when anything is off.',
    )
    .option('--json', 'print { models, problems, undescribed, staleDocs } as JSON')
    .option('-C, --cwd <dir>', 'the repository', '.')
    .action(async (opts: Where & { json?: boolean }) => {
      const { checkDomainModels } = await import('#platform');
      const result = await checkDomainModels(dirsOf(opts.cwd));
      const failed = result.problems.length + result.undescribed.length + result.staleDocs.length > 0;
      if (opts.json === true) io.stdout.write(JSON.stringify(result, null, 2) + '\n');
      else {
        const lines = result.models.map(
          (m) =>
            `✔ ${m.name} (${m.file}): ${m.entities} entities, ${m.valueObjects} value objects, ${m.events} events, ${m.terms} terms\n`,
        );
        for (const p of result.problems) lines.push(`✖ ${p}\n`);
        for (const u of result.undescribed)
          lines.push(`✖ ${u.by} lists ${u.type} in ${u.field}, which no domain model describes\n`);
        for (const d of result.staleDocs) lines.push(`✖ ${d} differs from its model: run \`wow domain docs\`\n`);
        lines.push(failed ? 'The domain models need the fixes above.\n' : 'The domain models are in order.\n');
        io.stdout.write(lines.join(''));
      }
      setCode(failed ? exitCodes.failed : exitCodes.ok);
    });

  domain
    .command('show <name>')
    .description("A domain's model: its entities and value objects, its events with their versions, its glossary")
    .option('--json', 'print the model as JSON, its event schemas included')
    .option('-C, --cwd <dir>', 'the repository', '.')
    .addHelpText('after', '\nExamples:\n  wow domain show support\n  wow domain show platform --json')
    .action(async (name: string, opts: Where & { json?: boolean }) => {
      const { loadDomainModels } = await import('#platform');
      const models = await loadDomainModels(dirsOf(opts.cwd).domainsDir);
      const found = models.find((m) => m.model.name === name);
      if (found === undefined) {
        io.stderr.write(
          `wow domain show: no domain model "${name}"; the models are ${models.map((m) => m.model.name).join(', ') || 'none'}\n`,
        );
        setCode(exitCodes.failed);
        return;
      }
      const { model } = found;
      if (opts.json === true) {
        io.stdout.write(JSON.stringify(model, null, 2) + '\n');
        return;
      }
      const lines = [`${model.name}: ${model.description}`, ''];
      for (const [title, types] of [
        ['Entities', model.entities],
        ['Value objects', model.valueObjects],
      ] as const) {
        if (types.length === 0) continue;
        lines.push(`${title}:`);
        for (const t of types)
          lines.push(`  ${t.name}: ${t.fields.map((f) => `${f.name}${f.required ? '' : '?'} ${f.type}`).join(', ')}`);
        lines.push('');
      }
      lines.push('Events:');
      for (const e of model.events) {
        const required = Array.isArray(e.data.required) ? (e.data.required as unknown[]).join(', ') : '';
        lines.push(`  ${e.type} v${e.version}${required === '' ? '' : ` (requires ${required})`}: ${e.meaning}`);
      }
      lines.push('', 'Glossary:');
      for (const g of model.glossary)
        lines.push(`  ${g.term}: ${g.meaning}${g.avoid.length === 0 ? '' : ` Not: ${g.avoid.join(', ')}.`}`);
      io.stdout.write(lines.join('\n') + '\n');
    });

  domain
    .command('docs')
    .description('Render each model to docs/domains/<name>.md: its glossary, entities, value objects and events')
    .option('--check', 'write nothing; exit code 1 when a page differs from its model')
    .option('-C, --cwd <dir>', 'the repository', '.')
    .action(async (opts: Where & { check?: boolean }) => {
      const { domainDocsPath, loadDomainModels, modelFileOf, renderDomainDocs } = await import('#platform');
      const { readFile } = await import('node:fs/promises');
      const dirs = dirsOf(opts.cwd);
      let stale = 0;
      for (const { model, dir } of await loadDomainModels(dirs.domainsDir)) {
        const path = domainDocsPath(dirs.docsDir, model.name);
        const text = renderDomainDocs(model, modelFileOf(dirs.root, dir));
        if ((await readFile(path, 'utf8').catch(() => undefined)) === text) continue;
        stale++;
        if (opts.check === true) io.stdout.write(`✖ ${relative(dirs.root, path)} differs from its model\n`);
        else {
          await mkdir(dirname(path), { recursive: true });
          await writeFile(path, text);
          io.stdout.write(`✔ wrote ${relative(dirs.root, path)}\n`);
        }
      }
      if (stale === 0) io.stdout.write('The domain pages match their models.\n');
      setCode(opts.check === true && stale > 0 ? exitCodes.failed : exitCodes.ok);
    });
}
