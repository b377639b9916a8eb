import { parse, simplify, type MathNode } from 'mathjs';
import { TaskNeedsInput } from '#platform';

export interface Equation {
  left: MathNode;
  right: MathNode;
}

/** One line of mathematics as the tool reads it: an equation, an expression, or equations joined by "or". */
export type MathLine =
  | ({ kind: 'equation' } & Equation)
  | { kind: 'expression'; parts: MathNode[] }
  | { kind: 'either'; equations: Equation[] };

// mathjs reads far more than school algebra (assignments, matrices, units, strings): anything
// else is refused, so a customer's text can only ever be arithmetic on numbers and letters.
const allowedFunctions = new Set(['sqrt', 'cbrt', 'abs', 'exp', 'log', 'sin', 'cos', 'tan']);
const constants = new Set(['pi', 'e']);
const maxNodes = 200;
// The largest constant power read: (x + 1)^1000 is no school algebra, and expanding it is slow.
const maxPower = 12;

/** The characters students type for operators, as mathjs writes them. */
function normalise(text: string): string {
  return text
    .replace(/[−–—]/g, '-')
    .replace(/[×·⋅]/g, '*')
    .replace(/÷/g, '/')
    .replace(/²/g, '^2')
    .replace(/³/g, '^3')
    .replace(/√/g, 'sqrt')
    .replace(/\+-|\+\/-/g, '±')
    .trim();
}

/** The expression in one piece of text, or TaskNeedsInput naming `where` and what is wrong. */
export function readExpression(text: string, where: string): MathNode {
  let node: MathNode;
  try {
    // mathjs's log is the natural logarithm, which students write ln.
    node = parse(text.replace(/\bln\(/g, 'log('));
  } catch (err) {
    throw new TaskNeedsInput(`${where}: "${text}" is not an expression the tool can read (${(err as Error).message}).`);
  }
  let count = 0;
  node.traverse((n, _path, parent) => {
    count += 1;
    const refuse = (what: string) => {
      throw new TaskNeedsInput(
        `${where}: "${text}" uses ${what}; write it with numbers, letters, + - * / ^ and brackets.`,
      );
    };
    switch (n.type) {
      case 'ConstantNode':
        if (typeof (n as MathNode & { value: unknown }).value !== 'number') refuse('something that is not a number');
        break;
      case 'SymbolNode': {
        const name = (n as MathNode & { name: string }).name;
        const isCalled = parent?.type === 'FunctionNode' && (parent as MathNode & { fn: MathNode }).fn === n;
        if (isCalled ? !allowedFunctions.has(name) : !/^[A-Za-z]$/.test(name) && !constants.has(name))
          refuse(`"${name}" (letters are one character; the functions known are ${[...allowedFunctions].join(', ')})`);
        break;
      }
      case 'OperatorNode': {
        const op = n as MathNode & { op: string; args: MathNode[] };
        if (!['+', '-', '*', '/', '^'].includes(op.op)) refuse(`the operator "${op.op}"`);
        const power = op.args[1];
        if (
          op.op === '^' &&
          power?.type === 'ConstantNode' &&
          Math.abs(Number((power as MathNode & { value: unknown }).value)) > maxPower
        )
          refuse(`a power above ${maxPower}`);
        break;
      }
      case 'ParenthesisNode':
      case 'FunctionNode':
        break;
      default:
        refuse(`a ${n.type.replace(/Node$/, '').toLowerCase()}`);
    }
  });
  if (count > maxNodes) throw new TaskNeedsInput(`${where}: "${text}" is too long for one step; split it.`);
  return node;
}

/**
 * One line: "x = 2 or x = -2", "x - 5 = 0 or x + 3 = 0", "x = 1, 4" and "x = 3 ± 2" are
 * equations joined by "or"; "a = b" is an equation; an expression may be a chain
 * ("= (x + 1)(x + 1) = x^2 + 2x + 1"), its leading "=" meaning "the line before equals".
 */
export function readLine(raw: string, where: string): MathLine {
  const text = normalise(raw).replace(/^(=>|⇒|→|so|hence|therefore|∴)\s*/i, '');
  if (text === '') throw new TaskNeedsInput(`${where} is empty.`);
  if (/,|\bor\b|±/i.test(text)) return { kind: 'either', equations: readEither(text, raw, where) };
  const sides = text.split('=').map((s) => s.trim());
  if (sides[0] === '') sides.shift();
  if (sides.some((s) => s === '')) throw new TaskNeedsInput(`${where}: "${raw}" has an "=" with nothing on one side.`);
  const nodes = sides.map((s) => readExpression(s, where));
  const [left, right] = nodes;
  if (nodes.length === 2 && left !== undefined && right !== undefined && !text.startsWith('='))
    return { kind: 'equation', left, right };
  return { kind: 'expression', parts: nodes };
}

/** The equations of "A = B or C = D", where a piece without "=" ("x = 1, 4") shares the left side before it. */
function readEither(text: string, raw: string, where: string): Equation[] {
  const equations: Equation[] = [];
  let left: string | undefined;
  for (const piece of text.split(/\s*(?:,|\bor\b)\s*/i)) {
    const sides = piece.split('=').map((s) => s.trim());
    if (sides.length === 2) left = sides[0];
    const right = sides.at(-1) ?? '';
    if (sides.length > 2 || left === undefined || left === '' || right === '')
      throw new TaskNeedsInput(
        `${where}: "${raw}" should read like "x = 2 or x = -2", one equation each side of "or".`,
      );
    const pm = right.split('±').map((p) => p.trim());
    if (pm.length > 2 || pm[1] === '') throw new TaskNeedsInput(`${where}: "${raw}" uses ± other than as "x = a ± b".`);
    const leftNode = readExpression(left, where);
    // "3 ± 2" is two equations; "±2" is 0 ± 2, each shown as the number it is.
    if (pm.length === 1) equations.push({ left: leftNode, right: readExpression(right, where) });
    else
      for (const sign of ['+', '-'])
        equations.push({
          left: leftNode,
          right: simplify(readExpression(`${pm[0] || '0'} ${sign} (${pm[1]})`, where)),
        });
  }
  return equations;
}

/** The letters an expression uses (pi and e are numbers). */
export function lettersOf(node: MathNode): Set<string> {
  const letters = new Set<string>();
  node.traverse((n, _path, parent) => {
    if (n.type !== 'SymbolNode') return;
    const name = (n as MathNode & { name: string }).name;
    const isCalled = parent?.type === 'FunctionNode' && (parent as MathNode & { fn: MathNode }).fn === n;
    if (!isCalled && !constants.has(name)) letters.add(name);
  });
  return letters;
}

/** A line's letters. */
export function lettersOfLine(line: MathLine): Set<string> {
  const nodes =
    line.kind === 'equation'
      ? [line.left, line.right]
      : line.kind === 'expression'
        ? line.parts
        : line.equations.flatMap((e) => [e.left, e.right]);
  const letters = new Set<string>();
  for (const node of nodes) for (const l of lettersOf(node)) letters.add(l);
  return letters;
}

/** How the tool writes an expression: mathjs's form with implicit products shown as written. */
export function show(node: MathNode): string {
  return node
    .toString({ implicit: 'hide', parenthesis: 'keep' })
    .replace(/ \^ /g, '^')
    .replace(/(\d|\)) (?=[A-Za-z(])/g, '$1');
}
