import { Node, Project, SyntaxKind, type SourceFile, type Statement } from 'ts-morph';
import type { TextFile } from '../rule-kind.ts';

// One in-memory project for the process: kinds parse single files; nothing needs a program.
const project = new Project({
  useInMemoryFileSystem: true,
  skipLoadingLibFiles: true,
  compilerOptions: { allowJs: true },
});

/** The ts-morph view of a file's text, parsed once however many kinds look at it. */
export function sourceOf(file: TextFile): SourceFile {
  const existing = project.getSourceFile(`/${file.path}`);
  if (existing !== undefined && existing.getFullText() === file.text) return existing;
  return project.createSourceFile(`/${file.path}`, file.text, { overwrite: true });
}

/** Frees what sourceOf holds once a review is done. */
export function forgetSources(): void {
  for (const source of project.getSourceFiles()) project.removeSourceFile(source);
}

export function position(node: Node): { line: number; column: number } {
  const { line, column } = node.getSourceFile().getLineAndColumnAtPos(node.getStart());
  return { line, column };
}

export interface ExportedName {
  name: string;
  kind: 'function' | 'class' | 'const' | 'type';
  line: number;
  column: number;
}

/**
 * How a top-level statement is exported, read from the syntax alone: `export` on it, or its
 * name in the module's own `export { … }` / `export default name`. ts-morph's isExported()
 * and isDefaultExport() ask the type checker, which builds a program over every file the
 * review parsed and again after each new one: on this repository's ~1,500 files that was
 * 50 of a review's 66 seconds.
 */
export function exportOf(statement: Statement): 'named' | 'default' | undefined {
  if (!Node.isExportable(statement)) return undefined;
  if (statement.hasExportKeyword()) return statement.hasDefaultKeyword() ? 'default' : 'named';
  const names = Node.isVariableStatement(statement)
    ? statement.getDeclarations().map((d) => d.getName())
    : [(statement as Node & { getName?: () => string | undefined }).getName?.()];
  const listed = localExportsOf(statement.getSourceFile());
  if (names.some((name) => name !== undefined && listed.named.has(name))) return 'named';
  if (names.some((name) => name !== undefined && listed.default.has(name))) return 'default';
  return undefined;
}

/** The names a module exports by list (`export { a, b as c }`, no `from`) and by `export default a`. */
function localExportsOf(source: SourceFile): { named: Set<string>; default: Set<string> } {
  const named = new Set<string>();
  const byDefault = new Set<string>();
  for (const declaration of source.getExportDeclarations()) {
    if (declaration.getModuleSpecifier() !== undefined) continue;
    for (const specifier of declaration.getNamedExports()) {
      const local = specifier.getNameNode().getText();
      (specifier.getAliasNode()?.getText() === 'default' ? byDefault : named).add(local);
    }
  }
  for (const assignment of source.getExportAssignments()) {
    const expression = assignment.getExpression();
    if (!assignment.isExportEquals() && Node.isIdentifier(expression)) byDefault.add(expression.getText());
  }
  return { named, default: byDefault };
}

/** Names a module exports itself (not re-exports), with where each is declared. */
export function exportedNames(file: TextFile): ExportedName[] {
  const names: ExportedName[] = [];
  for (const statement of sourceOf(file).getStatements()) {
    if (exportOf(statement) !== 'named') continue;
    const add = (nameNode: Node | undefined, kind: ExportedName['kind']) => {
      if (nameNode !== undefined) names.push({ name: nameNode.getText(), kind, ...position(nameNode) });
    };
    if (Node.isFunctionDeclaration(statement)) add(statement.getNameNode(), 'function');
    else if (Node.isClassDeclaration(statement)) add(statement.getNameNode(), 'class');
    else if (
      Node.isInterfaceDeclaration(statement) ||
      Node.isTypeAliasDeclaration(statement) ||
      Node.isEnumDeclaration(statement)
    )
      add(statement.getNameNode(), 'type');
    else if (Node.isVariableStatement(statement)) {
      for (const declaration of statement.getDeclarations()) {
        const init = declaration.getInitializer();
        const isFunction =
          init !== undefined && (init.isKind(SyntaxKind.ArrowFunction) || init.isKind(SyntaxKind.FunctionExpression));
        add(declaration.getNameNode(), isFunction ? 'function' : 'const');
      }
    }
  }
  return names;
}
