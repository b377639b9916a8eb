/**
 * The part of oxc-parser's lazy AST that parse-imports reads. The package types its ESTree
 * AST but not the lazy one (`experimentalLazy`), whose nodes carry oxc's own names
 * (`StringLiteral`, `IdentifierReference`, `ExportFromDeclaration`): every node is read as
 * "a type and maybe these fields", and parse-imports' tests pin the names for the version
 * in package.json.
 */
export interface LazyParseOptions {
  experimentalLazy: true;
  lang?: 'js' | 'jsx' | 'ts' | 'tsx' | 'dts';
}

export interface LazyParse {
  readonly program: { readonly body: Iterable<LazyNode> };
  visit(visitor: object): void;
  /** Returns the parser's buffer for the next file. */
  dispose(): void;
}

interface List<T> {
  readonly length: number;
  readonly [index: number]: T | undefined;
  every(test: (item: T) => boolean): boolean;
}

export interface LazyNode {
  readonly type: string;
  readonly start: number;
  /** StringLiteral */
  readonly value?: string;
  /** TemplateLiteral */
  readonly expressions?: List<LazyNode>;
  readonly quasis?: List<{ readonly value: { readonly cooked: string | null } }>;
  /** ImportDeclaration, TSImportEqualsDeclaration */
  readonly importKind?: string;
  /** Export…Declaration */
  readonly exportKind?: string;
  /** Import…Declaration, Export…Declaration, ImportExpression, TSImportType */
  readonly source?: LazyNode | null;
  readonly specifiers?: List<LazyNode> | null;
  /** TSImportEqualsDeclaration */
  readonly moduleReference?: LazyNode;
  /** TSExternalModuleReference */
  readonly expression?: LazyNode;
  /** CallExpression */
  readonly callee?: LazyNode;
  readonly arguments?: List<LazyNode>;
  /** IdentifierReference */
  readonly name?: string;
}

export type LazyVisitorClass = new (handlers: Record<string, (node: LazyNode) => void>) => object;

export interface LazyParser {
  readonly parseSync: (path: string, text: string, options: LazyParseOptions) => LazyParse;
  readonly experimentalGetLazyVisitor: () => LazyVisitorClass;
}
