import { posix } from 'node:path';
import { z } from 'zod';
import { defineKind, type Hit, type ReviewView } from './rule-kind.ts';
import { compilePattern } from './support/path-pattern.ts';
import { typescriptSource } from './support/load-typescript.ts';

/**
 * Each agent's agent.yml and each domain's domain.yml is valid; every event type their
 * code sends (`ctx.emit`, `ctx.request`, `createEvent` for the outbox, `enqueueOutbox`) is
 * declared in `emits` (DESIGN principle 3: event types are declared by the sender); every
 * request it makes is of a type some agent `answers`; and an agent's `stores` lists exactly
 * the tables its migrations create.
 */
export const manifest = defineKind({
  name: 'manifest',
  summary:
    'An invalid agent.yml or domain.yml, an event the code sends that its declaration does not list in emits, ' +
    "a request of a type no agent answers, or an agent's stores that differ from the tables its migrations create.",
  defaultScope: 'file',
  options: z.strictObject({
    agents: z.string().default('agents/(*)/').describe('the agent folders, with the agent id captured'),
    domains: z.string().default('domains/(*)/').describe('the domain folders, with the domain name captured'),
  }),
  async checkRepo(options, view) {
    const hits: Hit[] = [];
    const platform = await loadPlatform();
    for (const [folder, id] of touchedFolders(view, options.agents))
      hits.push(...(await checkAgent(platform, view, folder, id)));
    for (const [folder, name] of touchedFolders(view, options.domains))
      hits.push(...(await checkDomain(platform, view, folder, name)));
    return hits;
  },
});

type Platform = typeof import('#platform');

/**
 * The manifest and domain schemas come with the whole platform (its runtime included): loaded
 * when a manifest rule runs, so reviews without one start without it.
 */
const loadPlatform = (): Promise<Platform> => import('#platform');

const isCode = (path: string) => /\.[mc]?tsx?$/.test(path) && !path.endsWith('.d.ts');

/** The folders matching `spec` that hold a target, each with its captured name. */
function touchedFolders(view: ReviewView, spec: string): Map<string, string> {
  const folders = compilePattern(view.pattern(spec).replace(/\/?$/, '/'));
  const touched = new Map<string, string>();
  for (const path of view.targets) {
    for (let at = path.indexOf('/'); at !== -1; at = path.indexOf('/', at + 1)) {
      const captures = folders.match(path.slice(0, at));
      if (captures !== undefined) {
        touched.set(path.slice(0, at), captures[0] ?? posix.basename(path.slice(0, at)));
        break;
      }
    }
  }
  return touched;
}

/** "file:line:column text" problems of a YAML declaration, as hits on it. */
function problemHits(file: string, problems: readonly string[]): Hit[] {
  return problems.map((problem) => {
    const m = /^(.+?):(\d+):(\d+) (.*)$/s.exec(problem);
    return {
      path: file,
      line: Number(m?.[2] ?? 1),
      column: Number(m?.[3] ?? 1),
      message: `${posix.basename(file)}: ${m?.[4] ?? problem}`,
    };
  });
}

async function checkAgent(platform: Platform, view: ReviewView, folder: string, id: string): Promise<Hit[]> {
  const file = `${folder}/agent.yml`;
  if (!view.exists(file)) return []; // required-files says so, where a pack asks for it.
  const text = await view.read(file);
  const parsed = platform.parseManifest(text, file, id);
  if ('problems' in parsed) return problemHits(file, parsed.problems);
  const code = view.files.filter((f) => f.startsWith(`${folder}/src/`) && isCode(f));
  return [
    ...(await undeclaredEvents(view, code, parsed.manifest.emits, file)),
    ...(await unansweredRequests(platform, view, folder, code, parsed.manifest.emits, file)),
    ...(await storeMismatches(platform, view, folder, file, text, parsed.manifest.stores)),
  ];
}

/**
 * Requests the agent's code makes (`ctx.request(protocol, …)`, `ctx.request({ type })`) of a
 * type no agent beside it declares in `answers`, or, through a protocol, of a type its own
 * `emits` lacks (a bare request's type is checked with its other events). The runtime
 * refuses both (WOW_ERR_REQUEST_UNANSWERED, WOW_ERR_EVENT_UNDECLARED); this finds them
 * before merge. A protocol is known by its const's name in its agents' code.
 */
async function unansweredRequests(
  platform: Platform,
  view: ReviewView,
  folder: string,
  code: readonly string[],
  emits: readonly string[],
  file: string,
): Promise<Hit[]> {
  const [{ requestsIn, declaredProtocols }, { position, sourceOf }] = await Promise.all([
    import('./support/protocol-requests.ts'),
    typescriptSource(),
  ]);
  const requests = [];
  for (const path of code) {
    const text = await view.read(path);
    if (text.includes('.request(')) requests.push(...requestsIn(sourceOf({ path, text })).map((r) => ({ ...r, path })));
  }
  if (requests.length === 0) return [];
  // The agents beside this one (agents/*/): what they answer, and the protocols their code defines.
  const siblings = `${posix.dirname(folder)}/`;
  const answered = new Set<string>();
  const protocols = new Map<string, string | null>();
  for (const path of view.files.filter((f) => f.startsWith(siblings))) {
    const rest = path.slice(siblings.length).split('/');
    if (rest.length === 2 && rest[1] === 'agent.yml') {
      const parsed = platform.parseManifest(await view.read(path), path, rest[0] ?? '');
      if ('manifest' in parsed) for (const type of Object.keys(parsed.manifest.answers ?? {})) answered.add(type);
    } else if (rest[1] === 'src' && isCode(path)) {
      const text = await view.read(path);
      if (!text.includes('defineProtocol(')) continue;
      for (const [name, type] of declaredProtocols(sourceOf({ path, text })))
        // Two protocols by one name are ambiguous without a type checker: neither is judged.
        protocols.set(name, protocols.has(name) && protocols.get(name) !== type ? null : type);
    }
  }
  const hits: Hit[] = [];
  for (const request of requests) {
    const type = 'type' in request ? request.type : protocols.get(request.protocol);
    if (type === undefined || type === null) continue;
    const at = { path: request.path, ...position(request.node) };
    if ('protocol' in request && !emits.includes(type))
      hits.push({
        ...at,
        message: `requests "${type}" (${request.protocol}), which ${file} does not declare in emits; add it there`,
        key: `emit ${type}`,
      });
    if (!answered.has(type))
      hits.push({
        ...at,
        message: `requests "${type}", which no agent declares in answers; add it to answers: in the agent.yml of the agent that wakes on it, with a protocol for its handler`,
        key: `request ${type}`,
      });
  }
  return hits;
}

async function checkDomain(platform: Platform, view: ReviewView, folder: string, name: string): Promise<Hit[]> {
  const file = `${folder}/domain.yml`;
  // Tests build events of every kind to drive the code; only what the domain itself sends is declared.
  const code = view.files.filter((f) => f.startsWith(`${folder}/`) && !f.startsWith(`${folder}/test/`) && isCode(f));
  if (!view.exists(file)) return undeclaredEvents(view, code, undefined, file);
  const parsed = platform.parseDomain(await view.read(file), file, name);
  if ('problems' in parsed) return problemHits(file, parsed.problems);
  return undeclaredEvents(view, code, parsed.domain.emits, file);
}

/** Events the code sends that `declared` (the `emits` of `file`; undefined when it does not exist) lacks. */
async function undeclaredEvents(
  view: ReviewView,
  code: readonly string[],
  declared: readonly string[] | undefined,
  file: string,
): Promise<Hit[]> {
  const hits: Hit[] = [];
  if (code.length === 0) return hits;
  const [{ writtenEvents }, { position, sourceOf }] = await Promise.all([
    import('./support/event-types.ts'),
    typescriptSource(),
  ]);
  for (const path of code) {
    for (const event of writtenEvents(sourceOf({ path, text: await view.read(path) }))) {
      const at = { path, ...position(event.node) };
      if (event.type === undefined)
        hits.push({
          ...at,
          message:
            `sends an event whose type is computed (${event.node.getText().slice(0, 80)}), ` +
            `so it cannot be checked against the emits of ${file}; ` +
            'write the type as a string literal, or a const of literals',
          key: `computed type ${event.node.getText().slice(0, 80)}`,
        });
      else if (declared === undefined)
        hits.push({
          ...at,
          message: `sends "${event.type}", but ${file} does not exist to declare it; create it with name, description and emits: [${event.type}]`,
          key: `emit ${event.type}`,
        });
      else if (!declared.includes(event.type))
        hits.push({
          ...at,
          message: `emits "${event.type}", which ${file} does not declare in emits; add it there`,
          key: `emit ${event.type}`,
        });
    }
  }
  return hits;
}

/** Tables the agent's migrations create that `stores` does not list, and listed ones none creates. */
async function storeMismatches(
  { readYaml, storesMismatch, tablesCreatedBy }: Platform,
  view: ReviewView,
  folder: string,
  file: string,
  text: string,
  stores: readonly string[],
): Promise<Hit[]> {
  const migrations = view.files.filter((f) => f.startsWith(`${folder}/migrations/`) && f.endsWith('.sql')).sort();
  const createdIn = new Map<string, Hit>();
  for (const path of migrations) {
    const sql = await view.read(path);
    for (const table of tablesCreatedBy(sql)) {
      const before = sql.slice(0, table.offset);
      const line = before.split('\n').length;
      createdIn.set(table.name, {
        path,
        line,
        column: table.offset - before.lastIndexOf('\n'),
        message: `creates table ${table.name}, which ${file} does not list in stores; add it there (an agent lists exactly the tables it owns)`,
        key: `store ${table.name}`,
      });
    }
  }
  const { missing, extra } = storesMismatch(stores, [...createdIn.keys()]);
  const yaml = readYaml(text, file);
  return [
    ...missing.flatMap((table) => createdIn.get(table) ?? []),
    ...extra.map((table) => {
      const where = /:(\d+):(\d+)$/.exec(yaml.at(yaml.locate(['stores', stores.indexOf(table)]).offset));
      return {
        path: file,
        line: Number(where?.[1] ?? 1),
        column: Number(where?.[2] ?? 1),
        message: `stores lists table ${table}, which no migration in ${folder}/migrations creates; remove it, or add the migration that creates it`,
        key: `store ${table}`,
      };
    }),
  ];
}
