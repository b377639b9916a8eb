import { Node, SyntaxKind, type SourceFile } from 'ts-morph';

/** A request in a module: `ctx.request(someProtocol, input)` naming the protocol's const, or `ctx.request({ type: '…' })`. */
export type Request = { node: Node; protocol: string } | { node: Node; type: string };

/**
 * Every `x.request(<identifier>, …)` call, a request through a protocol
 * (platform/communication) whose type is declared where the protocol is defined, and every
 * `x.request({ type: '<literal>', … })`, a bare one. One syntax tree, no type checker: a
 * protocol's name is matched with `declaredProtocols` of the repository's files.
 */
export function requestsIn(source: SourceFile): Request[] {
  const found: Request[] = [];
  for (const call of source.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'request') continue;
    const [first, second] = call.getArguments();
    if (second !== undefined && Node.isIdentifier(first)) found.push({ node: first, protocol: first.getText() });
    else if (Node.isObjectLiteralExpression(first)) {
      const type = first.getProperty('type');
      const literal = Node.isPropertyAssignment(type) ? type.getInitializer() : undefined;
      if (Node.isStringLiteral(literal) || Node.isNoSubstitutionTemplateLiteral(literal))
        found.push({ node: literal, type: literal.getLiteralText() });
    }
  }
  return found;
}

/** `export const <name> = defineProtocol({ type: '<literal>', … })` in a module: each name with its request type. */
export function declaredProtocols(source: SourceFile): Map<string, string> {
  const declared = new Map<string, string>();
  for (const variable of source.getVariableDeclarations()) {
    const init = variable.getInitializer();
    if (!Node.isCallExpression(init) || init.getExpression().getText() !== 'defineProtocol') continue;
    const [arg] = init.getArguments();
    if (!Node.isObjectLiteralExpression(arg)) continue;
    const type = arg.getProperty('type');
    const literal = Node.isPropertyAssignment(type) ? type.getInitializer() : undefined;
    if (Node.isStringLiteral(literal) || Node.isNoSubstitutionTemplateLiteral(literal))
      declared.set(variable.getName(), literal.getLiteralText());
  }
  return declared;
}
