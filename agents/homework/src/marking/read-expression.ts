import { parse, type ConstantNode, type MathNode } from 'mathjs';
import { TaskNeedsInput } from '#platform';

// mathjs reads far more than homework arithmetic (assignments, matrices, units, strings):
// anything else is refused, so a customer's text can only ever be arithmetic.
const functions = new Set([
  'sqrt',
  'cbrt',
  'abs',
  'exp',
  'log',
  'log10',
  'sin',
  'cos',
  'tan',
  'round',
  'floor',
  'ceil',
]);
const operators = new Set(['+', '-', '*', '/', '^', '!']);
const constants = new Set(['pi', 'e']);
const maxNodes = 200;
// 170! is the largest factorial a number holds; powers are bounded for the same reason.
const maxPower = 100;

type Named = MathNode & { name: string };
const isCalled = (n: MathNode, parent: MathNode | null) =>
  parent?.type === 'FunctionNode' && (parent as MathNode & { fn: MathNode }).fn === n;

/** One side of a problem ("3*(4+2)", "(x+1)^2", "2 × 3"), or TaskNeedsInput naming `where` and what is wrong. */
export function readExpression(text: string, where: string): MathNode {
  const normal = text
    .replace(/[−–]/g, '-')
    .replace(/[×·]/g, '*')
    .replace(/÷/g, '/')
    .replace(/²/g, '^2')
    .replace(/³/g, '^3')
    .trim();
  let node: MathNode;
  try {
    node = parse(normal);
  } catch (err) {
    throw new TaskNeedsInput(
      `${where}: "${text.trim()}" is not something the tool can read (${(err as Error).message}).`,
    );
  }
  let count = 0;
  node.traverse((n, _path, parent) => {
    count += 1;
    const op = n as MathNode & { op: string; args: MathNode[] };
    const power = n.type === 'OperatorNode' ? op.args[1] : undefined;
    const ok =
      (n.type === 'ConstantNode' && typeof (n as MathNode & { value: unknown }).value === 'number') ||
      (n.type === 'SymbolNode' &&
        (isCalled(n, parent)
          ? functions.has((n as Named).name)
          : /^[A-Za-z]$/.test((n as Named).name) || constants.has((n as Named).name))) ||
      (n.type === 'OperatorNode' &&
        operators.has(op.op) &&
        !(op.op === '^' && power?.type === 'ConstantNode' && Math.abs((power as ConstantNode).value) > maxPower)) ||
      n.type === 'ParenthesisNode' ||
      n.type === 'FunctionNode';
    if (!ok)
      throw new TaskNeedsInput(
        `${where}: "${text.trim()}" uses something other than numbers, single letters, + - * / ^ !, brackets and ${[...functions].join(', ')}.`,
      );
  });
  if (count > maxNodes) throw new TaskNeedsInput(`${where}: "${text.trim()}" is too long; split it.`);
  return node;
}

/** The letters an expression uses (pi and e are numbers). */
export function lettersOf(node: MathNode): string[] {
  const letters = new Set<string>();
  node.traverse((n, _path, parent) => {
    if (n.type === 'SymbolNode' && !isCalled(n, parent) && !constants.has((n as Named).name))
      letters.add((n as Named).name);
  });
  return [...letters].sort();
}

/** How the tool writes an expression back: mathjs's form, powers and products tight. */
export function show(node: MathNode): string {
  return node
    .toString({ implicit: 'hide', parenthesis: 'keep' })
    .replace(/ \^ /g, '^')
    .replace(/(\d|\)) (?=[A-Za-z(])/g, '$1');
}
