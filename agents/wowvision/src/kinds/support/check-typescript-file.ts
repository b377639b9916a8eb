import { Node, SyntaxKind } from 'ts-morph';
import type { Hit, TextFile } from '../rule-kind.ts';
import type { Check } from './typescript-checks.ts';
import { exportOf, position, sourceOf } from './typescript-source.ts';

const blockingModules = new Set(['fs', 'node:fs', 'child_process', 'node:child_process']);

/** The typescript kind's checks on one file (see kinds/typescript.ts), on ts-morph's syntax tree. */
export function checkTypescriptFile(file: TextFile, on: ReadonlySet<Check>): Hit[] {
  const source = sourceOf(file);
  const hits: Hit[] = [];
  const hit = (node: Node, message: string, key: string) =>
    void hits.push({ path: file.path, ...position(node), message, key });

  if (on.has('no-any-export') || on.has('explicit-return-types')) {
    for (const statement of source.getStatements()) {
      if (exportOf(statement) === undefined) continue;
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
}

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
