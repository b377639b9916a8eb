import type { PhrasingContent, Root, Table, TableCell, TableRow } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmTableFromMarkdown, gfmTableToMarkdown } from 'mdast-util-gfm-table';
import { toMarkdown } from 'mdast-util-to-markdown';
import { gfmTable } from 'micromark-extension-gfm-table';
import type { AgentRequest } from '../questionnaire/validate-answers.ts';
import { answerCode, answerPhrasing, answerUnsafe } from './markdown-text.ts';

/** The catalogue of agents (docs/agents.md): one table row per agent, edited as a syntax tree. */
export const cataloguePath = 'docs/agents.md';

const header = ['Agent', 'Name', 'Tier', 'Wakes on', 'Emits'];

/**
 * The catalogue with `agent`'s row added, or replaced when the agent is listed already;
 * rows stay ordered by id. Everything else in the document is kept: it is parsed to a
 * Markdown tree and the table is edited there, never by pasting text; answers become
 * text nodes (words GitHub would link set as code), which the serialiser escapes.
 */
export function upsertCatalogueRow(
  markdown: string | undefined,
  agent: Pick<AgentRequest, 'id' | 'name' | 'tier' | 'wakesOn' | 'emits'>,
): string {
  const tree = fromMarkdown(markdown ?? starter, {
    extensions: [gfmTable()],
    mdastExtensions: [gfmTableFromMarkdown()],
  });
  let table = tree.children.find((n): n is Table => n.type === 'table');
  if (table === undefined) {
    table = { type: 'table', align: header.map(() => null), children: [row(header.map((h) => [text(h)]))] };
    tree.children.push(table);
  }
  const fresh = row([
    [{ type: 'link', url: `../agents/${agent.id}/README.md`, children: answerPhrasing(agent.id) }],
    answerPhrasing(agent.name),
    answerPhrasing(agent.tier),
    codeList(agent.wakesOn),
    codeList(agent.emits),
  ]);
  const [head, ...rows] = table.children;
  const others = rows.filter((r) => idOf(r) !== agent.id);
  table.children = [
    ...(head === undefined ? [] : [head]),
    ...[...others, fresh].sort((a, b) => idOf(a).localeCompare(idOf(b))),
  ];
  return serialise(tree);
}

const starter = `# Agents

Every agent of the platform, one row per folder under \`agents/\`. WowAgentFactory adds the
row of each agent it generates.
`;

function serialise(tree: Root): string {
  return toMarkdown(tree, {
    extensions: [gfmTableToMarkdown({ tablePipeAlign: false })],
    bullet: '-',
    emphasis: '_',
    unsafe: answerUnsafe,
  });
}

function row(cells: PhrasingContent[][]): TableRow {
  return { type: 'tableRow', children: cells.map((children): TableCell => ({ type: 'tableCell', children })) };
}

function text(value: string): PhrasingContent {
  return { type: 'text', value };
}

function codeList(values: readonly string[]): PhrasingContent[] {
  if (values.length === 0) return [text('—')];
  return values.flatMap((value, i) =>
    (i === 0 ? [] : [text(', ')]).concat({ type: 'inlineCode', value: answerCode(value) }),
  );
}

/** The text of a row's first cell: the agent id (inside its link). */
function idOf(r: TableRow): string {
  const walk = (nodes: readonly PhrasingContent[]): string =>
    nodes.map((n) => ('value' in n ? n.value : 'children' in n ? walk(n.children) : '')).join('');
  return walk(r.children[0]?.children ?? []);
}
