import { ts } from 'ts-morph';

/** An import as written in one file, before resolution. */
export interface WrittenImport {
  specifier: string;
  line: number;
  column: number;
  typeOnly: boolean;
  dynamic: boolean;
  reexport: boolean;
}

export const sourceExtensions = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'] as const;

export function isSourceFile(path: string): boolean {
  return sourceExtensions.some((ext) => path.endsWith(ext));
}

/**
 * Every import of a file: static imports and re-exports, `import x = require()`, and the
 * `import()` / `require()` calls with a literal argument. Parsed with the TypeScript
 * parser, without a program: this runs on every file of a repository.
 */
export function parseImports(path: string, text: string): WrittenImport[] {
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, scriptKind(path));
  const found: WrittenImport[] = [];
  const add = (literal: ts.Node, specifier: string, flags: Omit<WrittenImport, 'specifier' | 'line' | 'column'>) => {
    const { line, character } = file.getLineAndCharacterOfPosition(literal.getStart(file));
    found.push({ specifier, line: line + 1, column: character + 1, ...flags });
  };
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      add(statement.moduleSpecifier, statement.moduleSpecifier.text, {
        typeOnly: isTypeOnlyImport(statement),
        dynamic: false,
        reexport: false,
      });
    } else if (
      ts.isExportDeclaration(statement) &&
      statement.moduleSpecifier !== undefined &&
      ts.isStringLiteral(statement.moduleSpecifier)
    ) {
      const typeOnly =
        statement.isTypeOnly ||
        (statement.exportClause !== undefined &&
          ts.isNamedExports(statement.exportClause) &&
          statement.exportClause.elements.length > 0 &&
          statement.exportClause.elements.every((e) => e.isTypeOnly));
      add(statement.moduleSpecifier, statement.moduleSpecifier.text, { typeOnly, dynamic: false, reexport: true });
    } else if (
      ts.isImportEqualsDeclaration(statement) &&
      ts.isExternalModuleReference(statement.moduleReference) &&
      ts.isStringLiteral(statement.moduleReference.expression)
    ) {
      add(statement.moduleReference.expression, statement.moduleReference.expression.text, {
        typeOnly: statement.isTypeOnly,
        dynamic: false,
        reexport: false,
      });
    }
  }
  // Calls can sit anywhere; walk the tree only when the text can hold one.
  if (text.includes('import(') || text.includes('require(')) {
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && node.arguments.length >= 1) {
        const [arg] = node.arguments;
        const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
        const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
        if ((isImport || isRequire) && arg !== undefined && ts.isStringLiteralLike(arg))
          add(arg, arg.text, { typeOnly: false, dynamic: true, reexport: false });
      } else if (
        ts.isImportTypeNode(node) &&
        ts.isLiteralTypeNode(node.argument) &&
        ts.isStringLiteral(node.argument.literal)
      ) {
        add(node.argument.literal, node.argument.literal.text, { typeOnly: true, dynamic: false, reexport: false });
      }
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(file, visit);
  }
  return found;
}

/** `import type …`, or named imports that are all `type`: TypeScript drops both. */
function isTypeOnlyImport(statement: ts.ImportDeclaration): boolean {
  const clause = statement.importClause;
  if (clause === undefined) return false; // `import './x'` runs the module.
  if (clause.phaseModifier === ts.SyntaxKind.TypeKeyword) return true;
  const bindings = clause.namedBindings;
  return (
    clause.name === undefined &&
    bindings !== undefined &&
    ts.isNamedImports(bindings) &&
    bindings.elements.length > 0 &&
    bindings.elements.every((e) => e.isTypeOnly)
  );
}

function scriptKind(path: string): ts.ScriptKind {
  if (path.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (path.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (/\.[mc]?js$/.test(path)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}
