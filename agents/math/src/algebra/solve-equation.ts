import { ConstantNode, fraction, OperatorNode, ParenthesisNode, type Fraction, type MathNode } from 'mathjs';
import {
  exactSqrt,
  formatPolynomial,
  integerCoefficients,
  polynomialOf,
  simplifySqrt,
  type Polynomial,
} from './polynomial.ts';
import { show } from './read-math.ts';

/** A solution: as a fraction or surd ("(5 + √13)/2") and its value. */
export interface Root {
  exact: string;
  value: number;
}

/** One step of a worked solution: what was done, and the equation after it. */
export interface SolutionStep {
  explanation: string;
  math: string;
}

export interface WorkedSolution {
  equation: string;
  variable: string;
  kind: 'linear' | 'quadratic' | 'every-number' | 'no-solution';
  steps: SolutionStep[];
  /** The real solutions, smallest first. */
  solutions: Root[];
  /** A quadratic with a negative discriminant: its two complex solutions. */
  complexSolutions?: string[];
  /** Values the letter may not take (they make a denominator 0). */
  excluded: Root[];
}

const decimal = (n: number) => String(Math.round(n * 1e6) / 1e6);
const rootOf = (f: Fraction): Root => ({ exact: f.toFraction(), value: f.valueOf() });

/** (p ± q√m)/r in its lowest terms, or as a fraction when m is 1. */
function surd(p: bigint, q: bigint, m: bigint, r: bigint, sign: '+' | '-' | '±'): string {
  const g = [q, r].reduce((a, b) => gcdOf(a, b), p === 0n ? 0n : p);
  const [pp, qq, rr] = [p, q, r].map((x) => x / (r < 0n ? -g : g)) as [bigint, bigint, bigint];
  const root = `${qq === 1n ? '' : String(qq)}√${m}`;
  const top = pp === 0n ? (sign === '-' ? `-${root}` : sign === '±' ? `±${root}` : root) : `${pp} ${sign} ${root}`;
  if (rr === 1n) return top;
  return pp === 0n && sign !== '±' ? `${top}/${rr}` : `(${top})/${rr}`;
}

const gcdOf = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : gcdOf(b, a % b));

/**
 * left = right solved for its one letter, every step written out: every term taken to the
 * left, fractions cleared, then a linear equation's two moves, or a quadratic factored
 * when its discriminant is a perfect square and put through the formula when not.
 * Undefined when it is not a linear or quadratic equation in one letter.
 */
export function solveEquation(left: MathNode, right: MathNode, variable: string): WorkedSolution | undefined {
  const poly = polynomialOf(differenceOf(left, right), variable);
  if (poly === undefined) return undefined;
  const excluded =
    poly.denominator === undefined
      ? []
      : (solveEquation(poly.denominator, new ConstantNode(0), variable)?.solutions ?? []);
  const worked = solvePolynomial(poly, `${show(left)} = ${show(right)}`, excluded);
  const kept = worked.solutions.filter((r) => !excluded.some((e) => Math.abs(e.value - r.value) < 1e-9));
  for (const lost of worked.solutions.filter((r) => !kept.includes(r)))
    worked.steps.push({
      explanation: `${variable} = ${lost.exact} makes a denominator 0, so it is no solution`,
      math: kept.length === 0 ? 'no solution' : kept.map((r) => `${variable} = ${r.exact}`).join(' or '),
    });
  return { ...worked, solutions: kept };
}

/** left - right, which is 0 exactly when left = right. */
export function differenceOf(left: MathNode, right: MathNode): MathNode {
  return right.type === 'ConstantNode' && Number(right.evaluate()) === 0
    ? left
    : new OperatorNode('-', 'subtract', [left, new ParenthesisNode(right)]);
}

function solvePolynomial(poly: Polynomial, equation: string, excluded: Root[]): WorkedSolution {
  const variable = poly.variable;
  const x = variable;
  const steps: SolutionStep[] = [{ explanation: 'The equation', math: equation }];
  const standard = `${formatPolynomial(poly.coefficients, x)} = 0`;
  if (poly.denominator !== undefined)
    steps.push({
      explanation: `Take every term to the left over one denominator, ${show(poly.denominator)}, and keep the top (${x} may not make the denominator 0)`,
      math: standard,
    });
  else if (standard !== equation)
    steps.push({ explanation: 'Take every term to the left side and collect like terms', math: standard });
  const { coefficients, multiplier } = integerCoefficients(poly.coefficients);
  const integer = `${formatPolynomial(coefficients, x)} = 0`;
  if (integer !== standard) {
    const by = multiplier.toFraction();
    steps.push({
      explanation:
        multiplier.d === 1n
          ? `Multiply both sides by ${by}`
          : `Divide both sides by ${fraction(1).div(multiplier).toFraction()}`,
      math: integer,
    });
  }
  const [c = 0n, b = 0n, a = 0n] = coefficients;
  const base = { equation, variable, steps, excluded };
  if (coefficients.length === 1) {
    steps.push(
      c === 0n
        ? { explanation: 'Both sides are always equal: every number is a solution', math: '0 = 0' }
        : { explanation: 'The two sides can never be equal: there is no solution', math: `${c} = 0` },
    );
    return { ...base, kind: c === 0n ? 'every-number' : 'no-solution', solutions: [] };
  }
  if (coefficients.length === 2) {
    if (c !== 0n)
      steps.push({
        explanation: c > 0n ? `Subtract ${c} from both sides` : `Add ${-c} to both sides`,
        math: `${formatPolynomial([0n, b], x)} = ${-c}`,
      });
    const value = fraction(-c, b);
    if (b !== 1n) steps.push({ explanation: `Divide both sides by ${b}`, math: `${x} = ${value.toFraction()}` });
    return { ...base, kind: 'linear', solutions: [rootOf(value)] };
  }
  const discriminant = b * b - 4n * a * c;
  const square = exactSqrt(discriminant);
  if (square !== undefined) {
    const roots = [fraction(-b + square, 2n * a), fraction(-b - square, 2n * a)].sort((p, q) => p.compare(q));
    const factors = roots.map((r) => formatPolynomial([-(r.s * r.n), r.d], x));
    const leftOver = fraction(a).div(roots.reduce((product, r) => product * r.d, 1n));
    const coefficient = leftOver.equals(1) ? '' : leftOver.toFraction();
    const [first, second] = factors;
    steps.push({
      explanation: `Factor the left side (b² - 4ac = ${discriminant} is a perfect square)`,
      math: `${coefficient}${first === second ? `(${first})^2` : factors.map((f) => `(${f})`).join('')} = 0`,
    });
    if (first === second)
      steps.push({ explanation: 'A square is 0 only when what is squared is 0', math: `${first} = 0` });
    else
      steps.push({ explanation: 'A product is 0 when one of its factors is', math: `${first} = 0 or ${second} = 0` });
    const distinct = first === second ? roots.slice(0, 1) : roots;
    steps.push({ explanation: 'Solve each', math: distinct.map((r) => `${x} = ${r.toFraction()}`).join(' or ') });
    return { ...base, kind: 'quadratic', solutions: distinct.map(rootOf) };
  }
  steps.push({
    explanation: `Use the quadratic formula with a = ${a}, b = ${b}, c = ${c}`,
    math: `${x} = (-b ± √(b² - 4ac)) / (2a)`,
  });
  const { outside, inside } = simplifySqrt(discriminant < 0n ? -discriminant : discriminant);
  steps.push({
    explanation: 'The discriminant',
    math: `b² - 4ac = ${b * b} - ${4n * a * c < 0n ? `(${4n * a * c})` : 4n * a * c} = ${discriminant}`,
  });
  if (discriminant < 0n) {
    const complexPart = (sign: '+' | '-') => surd(-b, outside, inside, 2n * a, sign).replace('√', 'i√');
    steps.push({
      explanation: 'The discriminant is negative: no real number is a solution; the two complex ones are',
      math: `${x} = ${complexPart('+')} or ${x} = ${complexPart('-')}`,
    });
    return { ...base, kind: 'quadratic', solutions: [], complexSolutions: [complexPart('+'), complexPart('-')] };
  }
  steps.push({
    explanation: `Put them in (√${discriminant} = ${outside === 1n ? '' : outside}√${inside})`,
    math: `${x} = ${surd(-b, outside, inside, 2n * a, '±')}`,
  });
  const roots = (['-', '+'] as const).map((sign) => ({
    exact: surd(-b, outside, inside, 2n * a, sign),
    value: (Number(-b) + (sign === '+' ? 1 : -1) * Number(outside) * Math.sqrt(Number(inside))) / Number(2n * a),
  }));
  steps.push({
    explanation: 'The two solutions, to six decimal places',
    math: roots.map((r) => `${x} ≈ ${decimal(r.value)}`).join(' or '),
  });
  return { ...base, kind: 'quadratic', solutions: roots };
}
