import { fraction, rationalize, type Fraction, type MathNode } from 'mathjs';

/** A polynomial in one letter, as integer coefficients from the constant term up; at most degree 2 here. */
export interface Polynomial {
  variable: string;
  /** c0, c1, c2: c0 + c1·x + c2·x². */
  coefficients: Fraction[];
  /** The rational function's denominator, when the equation had the letter in one (x ≠ its roots). */
  denominator?: MathNode;
}

/**
 * `node` = 0 as a polynomial in `variable` (mathjs's rationalize expands and collects it),
 * or undefined when it is not one: other letters, roots or functions of the letter, a degree
 * above 2. Coefficients come back as floats and are read as the fractions they are.
 */
export function polynomialOf(node: MathNode, variable: string): Polynomial | undefined {
  let found: { coefficients: number[]; variables: string[]; denominator: MathNode | null };
  try {
    found = rationalize(node, {}, true) as unknown as typeof found;
  } catch {
    return undefined;
  }
  if (found.variables.some((v) => v !== variable)) return undefined;
  const floats = found.variables.length === 0 ? [Number(node.evaluate())] : found.coefficients;
  if (floats.length > 3 || floats.some((c) => !Number.isFinite(c))) return undefined;
  while (floats.length > 1 && floats.at(-1) === 0) floats.pop();
  return {
    variable,
    coefficients: floats.map((c) => fraction(c)),
    ...(found.denominator === null || found.denominator === undefined ? {} : { denominator: found.denominator }),
  };
}

const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : gcd(b, a % b));

/** The same equation with the smallest integer coefficients, the highest power's positive. */
export function integerCoefficients(coefficients: Fraction[]): { coefficients: bigint[]; multiplier: Fraction } {
  const lcm = coefficients.reduce((l, c) => (l * c.d) / gcd(l, c.d), 1n);
  const scaled = coefficients.map((c) => (c.s * c.n * lcm) / c.d);
  let divisor = scaled.reduce((g, c) => gcd(g, c), 0n);
  if (divisor === 0n) divisor = 1n;
  if ((scaled.at(-1) ?? 0n) < 0n) divisor = -divisor;
  return { coefficients: scaled.map((c) => c / divisor), multiplier: fraction(lcm, divisor) };
}

/** A whole number's square root, when it has one. */
export function exactSqrt(n: bigint): bigint | undefined {
  if (n < 0n) return undefined;
  let r = BigInt(Math.floor(Math.sqrt(Number(n))));
  while (r * r > n) r -= 1n;
  while ((r + 1n) * (r + 1n) <= n) r += 1n;
  return r * r === n ? r : undefined;
}

/** √n as k√m with m square-free: √72 = 6√2. */
export function simplifySqrt(n: bigint): { outside: bigint; inside: bigint } {
  let outside = 1n;
  let inside = n;
  for (let f = 2n; f * f <= inside; f += 1n)
    while (inside % (f * f) === 0n) {
      inside /= f * f;
      outside *= f;
    }
  return { outside, inside };
}

/** A polynomial written as a student would: 2x^2 - 3x + 1, x/2 as 1/2 x. */
export function formatPolynomial(coefficients: readonly (Fraction | bigint)[], variable: string): string {
  const terms: string[] = [];
  for (let power = coefficients.length - 1; power >= 0; power -= 1) {
    const c = fraction(coefficients[power] ?? 0);
    if (c.n === 0n) continue;
    const size = c.abs();
    const letter = power === 0 ? '' : power === 1 ? variable : `${variable}^${power}`;
    const number = power > 0 && size.equals(1) ? '' : size.toFraction();
    const term = `${number}${number !== '' && letter !== '' && number.includes('/') ? ' ' : ''}${letter}`;
    terms.push(terms.length === 0 ? `${c.s < 0n ? '-' : ''}${term}` : `${c.s < 0n ? '-' : '+'} ${term}`);
  }
  return terms.length === 0 ? '0' : terms.join(' ');
}
