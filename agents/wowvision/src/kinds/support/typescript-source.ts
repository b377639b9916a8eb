import { Node, Project, SyntaxKind, type SourceFile } from 'ts-morph';
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

/** Names a module exports itself (not re-exports), with where each is declared. */
export function exportedNames(file: TextFile): ExportedName[] {
  const names: ExportedName[] = [];
  for (const statement of sourceOf(file).getStatements()) {
    if (!Node.isExportable(statement) || !statement.isExported() || statement.isDefaultExport()) continue;
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
