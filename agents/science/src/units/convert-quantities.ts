import { unit, type Unit } from 'mathjs';
import { TaskNeedsInput } from '#platform';
import { describeDimension, figure, readQuantity, sameDimension, type Dimension } from './quantities.ts';

/** One line's conversion: the quantity in the unit asked for and in SI, or why it cannot be converted. */
export interface Conversion {
  line: number;
  from: string;
  to: string | null;
  /** The quantity in the unit asked for; null when the dimensions differ or none was asked for. */
  result: string | null;
  value: number | null;
  si: string;
  dimension: Dimension;
  problem: string | null;
}

const maxLines = 50;

/** Each line "72 km/h to m/s" (or "in", "->", "→"; a line without one gives the SI form) converted with mathjs's units. */
export function convertQuantities(text: string): Conversion[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const asked = lines.map((l, i) => ({ l, line: i + 1 })).filter(({ l }) => l !== '');
  if (asked.length === 0) throw new TaskNeedsInput('Send at least one quantity, e.g. 72 km/h to m/s.');
  if (asked.length > maxLines)
    throw new TaskNeedsInput(`Send at most ${maxLines} conversions; there are ${asked.length}.`);
  return asked.map(({ l, line }) => {
    const [fromText = '', toText] = l.split(/\s+(?:to|in|into|->|→)\s+/i);
    const where = `Line ${line}`;
    const quantity = /^[-+]?[\d.]/.test(fromText) ? readQuantity(fromText, where) : undefined;
    if (quantity === undefined || typeof quantity === 'number')
      throw new TaskNeedsInput(`${where}: "${fromText}" needs a number and a unit, e.g. 72 km/h.`);
    const dimension = describeDimension(quantity);
    // In SI, by the unit named for the quantity when there is one (J rather than kg m^2 / s^2).
    const siUnit = dimension.namedUnit ?? quantity.toSI().formatUnits();
    const base = { line, from: fromText.trim(), si: `${figure(quantity.toNumber(siUnit))} ${siUnit}`, dimension };
    if (toText === undefined) return { ...base, to: null, result: null, value: null, problem: null };
    const target = readQuantity(toText, where);
    const targetText = typeof target === 'number' ? '1' : target.formatUnits();
    if (!sameDimension(quantity, target)) {
      const [a, b] = [dimension, describeDimension(target)];
      return {
        ...base,
        to: targetText,
        result: null,
        value: null,
        problem: `${base.from} is ${a.quantity ?? a.si} but ${toText.trim()} is ${b.quantity ?? b.si}: one cannot be converted to the other`,
      };
    }
    const converted: Unit = quantity.to(typeof target === 'number' ? unit('1') : target.formatUnits());
    const value = converted.toNumber(targetText);
    return { ...base, to: targetText, result: `${figure(value)} ${targetText}`, value, problem: null };
  });
}
