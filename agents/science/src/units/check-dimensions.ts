import { divide, multiply, parse, pow, sqrt, type MathNode } from 'mathjs';
import { TaskNeedsInput } from '#platform';
import { describeDimension, readQuantity, sameDimension, type Dimension, type Quantity } from './quantities.ts';

/** A formula's dimensional analysis: each variable's unit, each side's dimension, and what does not match. */
export interface DimensionCheck {
  formula: string;
  variables: { name: string; unit: string; dimension: Dimension; derived: boolean }[];
  left: Dimension;
  right: Dimension;
  /** Both sides have the same dimension. */
  balanced: boolean;
  /** Balanced, and no sum, power or function inside mixes dimensions. */
  consistent: boolean;
  flags: string[];
}

const maxVariables = 20;
const maxNodes = 200;
// Functions whose argument must be a pure number (or an angle): sin(5 m) means nothing.
const pureFunctions = new Set(['sin', 'cos', 'tan', 'exp', 'log', 'ln']);

type Named = MathNode & { name: string };
type Operator = MathNode & { op: string; fn: string; args: MathNode[] };

/** The formula's text as mathjs reads it, refusing anything but arithmetic on numbers and variable names. */
function readSide(text: string, where: string): MathNode {
  let node: MathNode;
  try {
    node = parse(text.replace(/[·⋅×]/g, '*').replace(/²/g, '^2').replace(/³/g, '^3').replace(/[−–]/g, '-'));
  } catch (err) {
    throw new TaskNeedsInput(`${where}: "${text}" is not a formula the tool can read (${(err as Error).message}).`);
  }
  let count = 0;
  node.traverse((n, _path, parent) => {
    count += 1;
    const isCalled = parent?.type === 'FunctionNode' && (parent as MathNode & { fn: MathNode }).fn === n;
    const ok =
      (n.type === 'ConstantNode' && typeof (n as MathNode & { value: unknown }).value === 'number') ||
      (n.type === 'SymbolNode' &&
        (isCalled
          ? pureFunctions.has((n as Named).name) || (n as Named).name === 'sqrt'
          : /^[A-Za-z][A-Za-z0-9_]{0,15}$/.test((n as Named).name))) ||
      (n.type === 'OperatorNode' && ['+', '-', '*', '/', '^'].includes((n as Operator).op)) ||
      n.type === 'ParenthesisNode' ||
      n.type === 'FunctionNode';
    if (!ok)
      throw new TaskNeedsInput(
        `${where}: "${text}" uses something other than numbers, variable names, + - * / ^, brackets, sqrt, sin, cos, tan, exp, log.`,
      );
  });
  if (count > maxNodes) throw new TaskNeedsInput(`${where}: "${text}" is too long; split it.`);
  return node;
}

/** The variable names a side uses (function names aside; pi and e are numbers). */
function namesOf(node: MathNode): string[] {
  const names: string[] = [];
  node.traverse((n, _path, parent) => {
    const isCalled = parent?.type === 'FunctionNode' && (parent as MathNode & { fn: MathNode }).fn === n;
    if (n.type === 'SymbolNode' && !isCalled && !['pi', 'e'].includes((n as Named).name)) names.push((n as Named).name);
  });
  return names;
}

const shown = (node: MathNode) => node.toString({ implicit: 'show' });
const reads = (q: Quantity) => {
  const d = describeDimension(q);
  return d.quantity === null ? d.si : `${d.si} (${d.quantity})`;
};

/**
 * A side's dimension, worked out node by node with mathjs's units (each variable a 1 of its
 * unit): products and quotients combine, a sum's terms must agree, a power's exponent and
 * the argument of sin, exp or log must be pure numbers. Each disagreement is flagged where
 * it is, and the walk goes on with the first term's dimension, so one slip is not reported twice.
 */
function dimensionOf(node: MathNode, scope: ReadonlyMap<string, Quantity>, flags: string[]): Quantity {
  switch (node.type) {
    case 'ConstantNode':
      return (node as MathNode & { value: number }).value;
    case 'SymbolNode': {
      const name = (node as Named).name;
      return scope.get(name) ?? (name === 'pi' ? Math.PI : Math.E);
    }
    case 'ParenthesisNode':
      return dimensionOf((node as MathNode & { content: MathNode }).content, scope, flags);
    case 'OperatorNode': {
      const { op, args } = node as Operator;
      const [a, b] = args.map((arg) => dimensionOf(arg, scope, flags)) as [Quantity, Quantity | undefined];
      if (b === undefined) return a;
      if (op === '+' || op === '-') {
        if (!sameDimension(a, b))
          flags.push(
            `\`${shown(node)}\` ${op === '+' ? 'adds' : 'subtracts'} unlike quantities: ` +
              `${shown(args[0] as MathNode)} is ${reads(a)}, ${shown(args[1] as MathNode)} is ${reads(b)}`,
          );
        return a;
      }
      if (op === '*') return multiply(a, b) as Quantity;
      if (op === '/') return divide(a, b) as Quantity;
      if (typeof b !== 'number') {
        flags.push(`\`${shown(node)}\` raises to a power with units (${reads(b)}); an exponent must be a pure number`);
        return a;
      }
      return pow(a, b) as Quantity;
    }
    case 'FunctionNode': {
      const { fn, args } = node as MathNode & { fn: Named; args: MathNode[] };
      const [argument = 1] = args.map((arg) => dimensionOf(arg, scope, flags));
      if (fn.name === 'sqrt') return typeof argument === 'number' ? Math.sqrt(argument) : sqrt(argument);
      const dims = describeDimension(argument);
      if (typeof argument !== 'number' && dims.quantity !== 'angle')
        flags.push(`\`${shown(node)}\` takes ${fn.name} of ${reads(argument)}; its argument must be a pure number`);
      return 1;
    }
    default:
      return 1;
  }
}

/** Each line "m: kg" (or "m = kg", "m in kg", "[m] = kg") as the variable's unit. */
function readUnits(text: string): Map<string, { text: string; quantity: Quantity }> {
  const units = new Map<string, { text: string; quantity: Quantity }>();
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const found = /^\[?([A-Za-z][A-Za-z0-9_]{0,15})\]?\s*(?::|=|\bin\b)\s*(.+)$/.exec(line);
    if (found === null) throw new TaskNeedsInput(`Units, line ${i + 1}: write "variable: unit", e.g. m: kg.`);
    const [, name = '', unitText = ''] = found;
    units.set(name, { text: unitText.trim(), quantity: readQuantity(unitText, `The unit of ${name}`) });
    if (units.size > maxVariables) throw new TaskNeedsInput(`Give the units of at most ${maxVariables} variables.`);
  }
  return units;
}

/**
 * "F = m * a" with each variable's unit: both sides' dimensions with mathjs's units, whether
 * they match, and the terms that do not. A left side that is one variable without a unit
 * is given the right side's (the unit the formula defines).
 */
export function checkDimensions(formula: string, unitsText: string): DimensionCheck {
  const sides = formula.split('=');
  if (sides.length !== 2 || sides.some((s) => s.trim() === ''))
    throw new TaskNeedsInput('The formula needs one "=" with something on each side, e.g. F = m * a.');
  const [left, right] = sides.map((s, i) => readSide(s.trim(), i === 0 ? 'The left side' : 'The right side')) as [
    MathNode,
    MathNode,
  ];
  const units = readUnits(unitsText);
  const derivable = left.type === 'SymbolNode' && !units.has((left as Named).name) ? (left as Named).name : undefined;
  const missing = [...new Set([...namesOf(left), ...namesOf(right)])].filter((n) => !units.has(n) && n !== derivable);
  if (missing.length > 0)
    throw new TaskNeedsInput(`Give the unit of ${missing.join(', ')} (a line "name: unit" each; "1" for none).`);
  const flags: string[] = [];
  const scope = new Map([...units].map(([name, u]) => [name, u.quantity]));
  const rightDimension = dimensionOf(right, scope, flags);
  if (derivable !== undefined) scope.set(derivable, rightDimension);
  const leftDimension = dimensionOf(left, scope, flags);
  const balanced = sameDimension(leftDimension, rightDimension);
  if (!balanced)
    flags.unshift(`The two sides differ: the left is ${reads(leftDimension)}, the right is ${reads(rightDimension)}`);
  const variables = [...new Set([...namesOf(left), ...namesOf(right)])].map((name) => {
    const given = units.get(name);
    const quantity = scope.get(name) ?? 1;
    const dimension = describeDimension(quantity);
    return { name, unit: given?.text ?? dimension.namedUnit ?? dimension.si, dimension, derived: given === undefined };
  });
  return {
    formula: `${shown(left)} = ${shown(right)}`,
    variables,
    left: describeDimension(leftDimension),
    right: describeDimension(rightDimension),
    balanced,
    consistent: flags.length === 0,
    flags,
  };
}
