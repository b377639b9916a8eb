import { Node, SyntaxKind } from 'ts-morph';
import { z } from 'zod';
import { defineKind, type Hit } from './rule-kind.ts';
import { fileSpec, matchFile } from './support/path-spec.ts';
import { position, sourceOf } from './support/typescript-source.ts';

const checks = ['no-any-export', 'explicit-return-types', 'no-sync-io'] as const;
type Check = (typeof checks)[number];

const blockingModules = new Set(['fs', 'node:fs', 'child_process', 'node:child_process']);

/**
 * TypeScript checks that need the syntax tree: no explicit `any` in what a module
 * exports, explicit return types on exported functions, and no synchronous file-system or
 * child-process calls (they stall every handler sharing the event loop).
 */
export const typescript = defineKind({
  name: 'typescript',
  summary: 'Exported signatures with `any` or without return types; blocking fs / child_process calls.',
  defaultScope: 'changed',
  options: z.strictObject({
    paths: fileSpec,
    checks: z
      .array(z.enum(checks))
      .min(1)
      .default([...checks]),
  }),
  checkFile(options, file, view) {
    if (
      !/\.[mc]?tsx?$/.test(file.path) ||
      file.path.endsWith('.d.ts') ||
      matchFile(options.paths, file.path, view) === undefined
    )
      return [];
    const source = sourceOf(file);
    const on = new Set<Check>(options.checks);
    const hits: Hit[] = [];
    const hit = (node: Node, message: string, key: string) =>
      void hits.push({ path: file.path, ...position(node), message, key });

    if (on.has('no-any-export') || on.has('explicit-return-types')) {
      for (const statement of source.getStatements()) {
        if (!Node.isExportable(statement) || !statement.isExported()) continue;
        const functions = Node.isFunctionDeclaration(statement)
          ? [{ node: statement, name: statement.getName() ?? 'default' }]
          : Node.isVariableStatement(statement)
            ? statement.getDeclarations().flatMap((d) => {
                const init = d.getInitializer();
                return (Node.isArrowFunction(init) || Node.isFunctionExpression(init)) && d.getTypeNode() === undefined
                  ? [{ node: init, name: d.getName() }]
                  : [];
              })
            : [];
        if (on.has('explicit-return-types')) {
          for (const { node, name } of functions) {
            if (node.getReturnTypeNode() === undefined)
              hit(
                Node.isFunctionDeclaration(node) ? (node.getNameNode() ?? node) : node,
                `exported function "${name}" has no explicit return type`,
                `return ${name}`,
              );
          }
        }
        if (on.has('no-any-export')) {
          // Signatures only: an `any` inside a body is not part of the module's contract.
          const bodies = new Set(functions.map(({ node }) => node.getBody()).filter((b) => b !== undefined));
          if (Node.isClassDeclaration(statement)) {
            for (const member of statement.getMembers()) {
              const body = Node.isBodyable(member) ? member.getBody() : undefined;
              if (body !== undefined) bodies.add(body);
            }
          }
          statement.forEachDescendant((node, traversal) => {
            if (bodies.has(node)) {
              traversal.skip();
              return undefined;
            }
            if (node.getKind() === SyntaxKind.AnyKeyword)
              hit(
                node,
                `"any" in the exported signature of ${describe(statement)}; name the type or use unknown`,
                `any ${describe(statement)}`,
              );
            return undefined;
          });
        }
      }
    }
    if (on.has('no-sync-io')) {
      const direct = new Set<string>();
      const namespaces = new Set<string>();
      for (const declaration of source.getImportDeclarations()) {
        if (!blockingModules.has(declaration.getModuleSpecifierValue())) continue;
        for (const named of declaration.getNamedImports())
          if (named.getName().endsWith('Sync')) direct.add(named.getAliasNode()?.getText() ?? named.getName());
        const ns = declaration.getNamespaceImport() ?? declaration.getDefaultImport();
        if (ns !== undefined) namespaces.add(ns.getText());
      }
      if (direct.size > 0 || namespaces.size > 0) {
        for (const call of source.getDescendantsOfKind(SyntaxKind.CallExpression)) {
          const callee = call.getExpression();
          const name =
            Node.isIdentifier(callee) && direct.has(callee.getText())
              ? callee.getText()
              : Node.isPropertyAccessExpression(callee) &&
                  namespaces.has(callee.getExpression().getText()) &&
                  callee.getName().endsWith('Sync')
                ? callee.getText()
                : undefined;
          if (name !== undefined)
            hit(
              call,
              `${name}() blocks the event loop; use the promise API (node:fs/promises, execFile with promisify)`,
              `sync ${name}`,
            );
        }
      }
    }
    return hits;
  },
});

function describe(statement: Node): string {
  const named = statement as Node & { getName?: () => string | undefined };
  const name = typeof named.getName === 'function' ? named.getName() : undefined;
  if (name !== undefined) return `"${name}"`;
  if (Node.isVariableStatement(statement))
    return statement
      .getDeclarations()
      .map((d) => `"${d.getName()}"`)
      .join(', ');
  return 'this export';
}
