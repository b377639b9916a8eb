import { Eta } from 'eta';
import { createError } from '../errors.ts';
import type { AgentTemplate } from './agent-template.ts';
import { escapedOutput, type EscapeContext } from './escaped-output.ts';
import type { TemplateData } from './template-data.ts';

/** What each kind of generated file takes in its interpolations; other kinds take none. */
const contextsByKind: Readonly<Record<string, readonly EscapeContext[]>> = {
  ts: ['typescript', 'comment'],
  yml: ['yaml', 'comment'],
  yaml: ['yaml', 'comment'],
  md: ['markdown'],
  sql: ['sql', 'comment'],
};

/**
 * Every `<%= … %>` goes through the escape function with its own source text, so a value
 * that no escaping helper made stops rendering with the expression named; `<%~ … %>`
 * (Eta's raw output) is refused outright.
 */
const onlyEscapedOutput = {
  processAST(buffer: (string | { t: string; val: string })[]) {
    for (const node of buffer) {
      if (typeof node === 'string') continue;
      if (node.t === 'r')
        throw new Error(
          `<%~ ${node.val} %> writes raw text, which templates may not: ` +
            'write <%= … %> through the helper for where the value lands (it.ts, it.yaml, it.md, it.comment, it.sqlIdent)',
        );
      if (node.t === 'i') node.val = `(${node.val}), ${JSON.stringify(node.val)}`;
    }
    return buffer;
  },
};

// Whitespace is kept exactly as the template writes it (`-%>` drops the newline after a control tag).
const etaOptions = { autoTrim: false, useWith: false, varName: 'it', cache: false } as const;

/** One Eta per kind of file: its escape function accepts the contexts that kind takes. */
const etaByKind = new Map<string, Eta>();

function etaFor(path: string): Eta {
  const kind = /\.([a-z]+)$/.exec(path)?.[1] ?? '';
  let eta = etaByKind.get(kind);
  if (eta === undefined) {
    const accepts = contextsByKind[kind] ?? [];
    eta = new Eta({
      ...etaOptions,
      autoEscape: true,
      escapeFunction: (value: unknown, expression?: string) => escapedOutput(value, expression ?? '?', accepts),
      plugins: [onlyEscapedOutput],
    });
    etaByKind.set(kind, eta);
  }
  return eta;
}

/**
 * For a merge base only (regen): a template version older than the escaping helpers
 * wrote answers as they were. Its output is what the agent's files were generated as,
 * compared with them line by line; it never renders answers that are not already there.
 */
const mergeBaseEta = new Eta({ ...etaOptions, autoEscape: false });

/** A path segment a name fills (`__id__`): a plain name, never a way out of the folder. */
const pathName = /^[a-z0-9][a-z0-9_-]*$/;

/** One rendering of a file a list-valued name multiplies: its path segment, and what the template sees as `it.<name>`. */
export interface PathItem {
  segment: string;
  item: unknown;
}

/**
 * The files a template renders for one agent, by repository path. `__name__` segments in a
 * path take the value of `names[name]`; a path whose name is empty is not written (how a
 * template makes a file conditional on a name); a rendered file that comes out empty is not
 * written either (how it makes one conditional on its data). A name whose value is a list
 * renders the file once per item, the item as `it.<name>` (a tools module per task type).
 * Files ending in `.eta` are rendered, others copied.
 */
export function renderTemplate(
  template: AgentTemplate,
  data: TemplateData,
  names: Readonly<Record<string, string | readonly PathItem[]>>,
  opts: { mergeBase?: boolean } = {},
): Map<string, string> {
  const out = new Map<string, string>();
  for (const [source, text] of template.files) {
    const where = `templates/agents/${template.name}/files/${source}`;
    const listed = [...source.matchAll(/__([a-z]+)__/g)].map((m) => m[1] ?? '').filter((n) => Array.isArray(names[n]));
    if (new Set(listed).size > 1)
      throw createError('WOW_ERR_FACTORY_TEMPLATE', {
        template: where,
        problem: `its path names ${listed.join(' and ')}, each a list; a path takes one list-valued name`,
      });
    const [list] = listed;
    const items: (PathItem | undefined)[] = list === undefined ? [undefined] : [...(names[list] as PathItem[])];
    for (const each of items) {
      let skipped = false;
      const path = source
        .replace(/__([a-z]+)__/g, (_, name: string) => {
          const named = names[name];
          const value = typeof named === 'string' ? named : name === list ? (each?.segment ?? '') : '';
          if (value === '') skipped = true;
          else if (!pathName.test(value))
            throw createError('WOW_ERR_FACTORY_TEMPLATE', {
              template: where,
              problem: `the name "${name}" is not a plain path segment (lower-case letters, digits, - and _)`,
            });
          return value;
        })
        .replace(/\.eta$/, '');
      if (skipped) continue;
      const seen = list === undefined ? data : { ...data, [list]: each?.item };
      const rendered = source.endsWith('.eta')
        ? renderText(template, source, text, seen, opts.mergeBase === true ? mergeBaseEta : etaFor(path))
        : text;
      if (rendered.trim() !== '') out.set(path, rendered);
    }
  }
  return out;
}

function renderText(template: AgentTemplate, source: string, text: string, data: TemplateData, eta: Eta): string {
  try {
    return eta.renderString(text, data);
  } catch (err) {
    // A template that fails to render fails the same way every time: never retried.
    throw createError(
      'WOW_ERR_FACTORY_TEMPLATE',
      { template: `templates/agents/${template.name}/files/${source}`, problem: (err as Error).message },
      { cause: err },
    );
  }
}
