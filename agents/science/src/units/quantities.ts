import { format, unit, type Unit } from 'mathjs';
import { TaskNeedsInput } from '#platform';

/** What a quantity is, by its dimension: its name and the SI unit written for it. */
const named: readonly [string, string][] = [
  ['mass', 'kg'],
  ['length', 'm'],
  ['time', 's'],
  ['temperature', 'K'],
  ['electric current', 'A'],
  ['amount of substance', 'mol'],
  ['luminous intensity', 'cd'],
  ['angle', 'rad'],
  ['area', 'm^2'],
  ['volume', 'm^3'],
  ['velocity', 'm/s'],
  ['acceleration', 'm/s^2'],
  ['momentum', 'kg m/s'],
  ['density', 'kg/m^3'],
  ['force', 'N'],
  ['energy or torque', 'J'],
  ['power', 'W'],
  ['pressure', 'Pa'],
  ['frequency', 'Hz'],
  ['electric charge', 'C'],
  ['voltage', 'V'],
  ['resistance', 'ohm'],
  ['capacitance', 'F'],
  ['magnetic flux density', 'T'],
];
const byDimension = new Map(
  named.map(([name, symbol]) => [unit(`1 ${symbol}`).dimensions.join(','), { name, symbol }]),
);

/** A value with units, or a plain number for a dimensionless one. */
export type Quantity = Unit | number;

/** mathjs's dimension exponents (mass, length, time, current, temperature, luminous intensity, amount, angle, bit). */
export const dimensionsOf = (q: Quantity): number[] =>
  typeof q === 'number' ? [0, 0, 0, 0, 0, 0, 0, 0, 0] : q.dimensions;

export const sameDimension = (a: Quantity, b: Quantity) => {
  const [p, q] = [dimensionsOf(a), dimensionsOf(b)];
  return p.every((d, i) => Math.abs(d - (q[i] ?? 0)) < 1e-12);
};

/** How a dimension reads: its SI units ("kg m / s^2"), the quantity it is, and the named unit for it. */
export interface Dimension {
  si: string;
  quantity: string | null;
  namedUnit: string | null;
}

export function describeDimension(q: Quantity): Dimension {
  const found = byDimension.get(dimensionsOf(q).join(','));
  const si = typeof q === 'number' ? 'dimensionless' : q.toSI().formatUnits() || 'dimensionless';
  return {
    si,
    quantity: found?.name ?? (typeof q === 'number' ? 'a pure number' : null),
    namedUnit: found?.symbol ?? null,
  };
}

/** A number as a report shows it: eight significant figures, no float noise. */
export const figure = (n: number) => format(n, { precision: 8, lowerExp: -6, upperExp: 12 });

// A unit's text is short; mathjs's unit parser reads only numbers and unit names.
const maxUnitText = 60;

/**
 * A unit ("m/s^2", "kg", "1" for none) or a quantity ("72 km/h"), with `where` and what
 * is wrong in a TaskNeedsInput when mathjs does not know it.
 */
export function readQuantity(text: string, where: string): Quantity {
  const trimmed = text.trim().replace(/[·⋅]/g, ' ').replace(/²/g, '^2').replace(/³/g, '^3').replace(/µ/g, 'u');
  if (trimmed === '' || trimmed.length > maxUnitText)
    throw new TaskNeedsInput(`${where}: give a unit of at most ${maxUnitText} characters, e.g. m/s^2.`);
  if (/^(1|none|dimensionless)$/i.test(trimmed)) return 1;
  try {
    return /^[\d.+-]/.test(trimmed) ? unit(trimmed) : unit(`1 ${trimmed}`);
  } catch (err) {
    throw new TaskNeedsInput(`${where}: "${trimmed}" is not a unit mathjs knows (${(err as Error).message}).`);
  }
}
