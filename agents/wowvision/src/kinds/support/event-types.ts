import { Node, SyntaxKind, VariableDeclarationKind, type SourceFile } from 'ts-morph';

/** An event a module sends, found in its syntax tree. */
export interface WrittenEvent {
  /** The string literal naming the type, or the `type` expression when it is not one WowVision can read. */
  node: Node;
  /** The type; undefined when it is computed (a parameter, a template with values). */
  type: string | undefined;
}

// Calls that send the event described by an object argument, and which argument that is:
// `createEvent({ type })` builds one (for the outbox or the bus), `ctx.emit` and
// `ctx.request` publish one, `enqueueOutbox(tx, { type, … })` writes a hand-built one.
const senders: Readonly<Record<string, number>> = { createEvent: 0, emit: 0, request: 0, enqueueOutbox: 1 };

// How many declarations are followed from a `type` to its literal (a const of a const…).
const maxDepth = 4;

/**
 * Every event type a module sends through `createEvent`, `emit`, `request` or
 * `enqueueOutbox`, as written: a literal, a conditional of literals, or a const (also one
 * destructured from a literal array in a `for … of`) holding them. One syntax tree, no
 * type checker: a single file is read without its imports.
 */
export function writtenEvents(source: SourceFile): WrittenEvent[] {
  const found = new Map<string, WrittenEvent>();
  for (const call of source.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    const name = Node.isIdentifier(callee)
      ? callee.getText()
      : Node.isPropertyAccessExpression(callee)
        ? callee.getName()
        : undefined;
    const at = name === undefined ? undefined : senders[name];
    const written = at === undefined ? undefined : call.getArguments()[at];
    const arg = written === undefined ? undefined : unwrap(written);
    if (!Node.isObjectLiteralExpression(arg)) continue;
    const property = arg.getProperty('type');
    let expression: Node | undefined;
    if (Node.isPropertyAssignment(property)) expression = property.getInitializer();
    else if (Node.isShorthandPropertyAssignment(property)) expression = property.getNameNode();
    // Without its own `type` the object is something else (Octokit's request takes a string first).
    if (expression === undefined) continue;
    const literals = literalsOf(expression, 0);
    if (literals === undefined) found.set(`${expression.getStart()}`, { node: expression, type: undefined });
    else
      for (const literal of literals) found.set(`${literal.getStart()}`, { node: literal, type: literalText(literal) });
  }
  return [...found.values()].sort((a, b) => a.node.getStart() - b.node.getStart());
}

function literalText(node: Node): string {
  return Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node) ? node.getLiteralText() : '';
}

/** The string literals `expression` can evaluate to, or undefined when that cannot be read. */
function literalsOf(expression: Node, depth: number): Node[] | undefined {
  if (Node.isStringLiteral(expression) || Node.isNoSubstitutionTemplateLiteral(expression)) return [expression];
  if (
    Node.isParenthesizedExpression(expression) ||
    Node.isAsExpression(expression) ||
    Node.isSatisfiesExpression(expression) ||
    Node.isNonNullExpression(expression)
  )
    return literalsOf(expression.getExpression(), depth);
  if (Node.isConditionalExpression(expression)) {
    const whenTrue = literalsOf(expression.getWhenTrue(), depth);
    const whenFalse = literalsOf(expression.getWhenFalse(), depth);
    return whenTrue === undefined || whenFalse === undefined ? undefined : [...whenTrue, ...whenFalse];
  }
  if (!Node.isIdentifier(expression) || depth >= maxDepth) return undefined;
  // In `{ type }` the name is the property's; the value is the variable's.
  const shorthand = expression.getParent();
  const symbol = Node.isShorthandPropertyAssignment(shorthand) ? shorthand.getValueSymbol() : expression.getSymbol();
  const declarations = symbol?.getDeclarations() ?? [];
  const declaration = declarations.length === 1 ? declarations[0] : undefined;
  if (Node.isVariableDeclaration(declaration)) return variableLiterals(declaration, undefined, depth);
  if (Node.isBindingElement(declaration)) {
    // `const [type, alerts] of [['a.b.c', x], ['a.b.d', y]]`: the element at the binding's index.
    const pattern = declaration.getParent();
    const variable = pattern.getParent();
    if (!Node.isArrayBindingPattern(pattern) || !Node.isVariableDeclaration(variable)) return undefined;
    return variableLiterals(variable, pattern.getElements().indexOf(declaration), depth);
  }
  return undefined;
}

/** A `const`'s literals; in a `for (const … of [literal array])`, those of each element (or of its `index`th item). */
function variableLiterals(
  variable: Node & { getInitializer(): Node | undefined },
  index: number | undefined,
  depth: number,
): Node[] | undefined {
  const list = variable.getParent();
  if (!Node.isVariableDeclarationList(list) || list.getDeclarationKind() !== VariableDeclarationKind.Const)
    return undefined;
  const loop = list.getParent();
  if (Node.isForOfStatement(loop)) {
    const items = unwrap(loop.getExpression());
    if (!Node.isArrayLiteralExpression(items)) return undefined;
    const all: Node[] = [];
    for (const item of items.getElements()) {
      const element = index === undefined ? item : arrayItem(item, index);
      const literals = element === undefined ? undefined : literalsOf(element, depth + 1);
      if (literals === undefined) return undefined;
      all.push(...literals);
    }
    return all;
  }
  const initializer = variable.getInitializer();
  if (initializer === undefined) return undefined;
  if (index === undefined) return literalsOf(initializer, depth + 1);
  const element = arrayItem(initializer, index);
  return element === undefined ? undefined : literalsOf(element, depth + 1);
}

function arrayItem(node: Node, index: number): Node | undefined {
  const array = unwrap(node);
  return Node.isArrayLiteralExpression(array) ? array.getElements()[index] : undefined;
}

function unwrap(node: Node): Node {
  return Node.isAsExpression(node) || Node.isSatisfiesExpression(node) || Node.isParenthesizedExpression(node)
    ? unwrap(node.getExpression())
    : node;
}
