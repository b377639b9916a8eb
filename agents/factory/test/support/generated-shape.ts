import type { Nodes, Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { gfmTable } from 'micromark-extension-gfm-table';
import ts from 'typescript';

// What generated files say, as a parser reads them: two files whose shapes are equal say
// the same things, whatever text the answers put in their literals and comments.

/** A TypeScript file's shape: its syntax errors, its top-level statement kinds, and every node's kind in order. */
export function tsShape(path: string, text: string) {
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const kinds: string[] = [];
  const visit = (node: ts.Node): void => {
    kinds.push(ts.SyntaxKind[node.kind]);
    ts.forEachChild(node, visit);
  };
  visit(file);
  const errors =
    ts
      .transpileModule(text, { fileName: path, reportDiagnostics: true })
      .diagnostics?.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')) ?? [];
  return { errors, statements: file.statements.map((s) => ts.SyntaxKind[s.kind]), kinds };
}

const phrasing = new Set(['text', 'inlineCode', 'break']);
/** Constructs answers must never make: the template's own are counted, so benign and hostile counts must agree. */
const constructs = new Set([
  'link',
  'image',
  'linkReference',
  'imageReference',
  'definition',
  'html',
  'emphasis',
  'strong',
  'delete',
  'footnoteReference',
  'footnoteDefinition',
  'heading',
  'list',
  'code',
  'blockquote',
  'thematicBreak',
  'table',
  'tableRow',
  'tableCell',
]);

/** A Markdown file's shape: its block structure, the constructs in it, and the words GitHub would link in its plain text. */
export function markdownShape(text: string) {
  const tree: Root = fromMarkdown(text, { extensions: [gfmTable()], mdastExtensions: [gfmTableFromMarkdown()] });
  const blocks: string[] = [];
  const counts: Record<string, number> = {};
  const linked: string[] = [];
  const visit = (node: Nodes): void => {
    if (!phrasing.has(node.type)) blocks.push(node.type);
    if (constructs.has(node.type)) counts[node.type] = (counts[node.type] ?? 0) + 1;
    if (node.type === 'text') linked.push(...(node.value.match(/@[a-z0-9]|:\/\/|www\./gi) ?? []));
    if ('children' in node) for (const child of node.children) visit(child);
  };
  visit(tree);
  return { blocks, counts, linked };
}
