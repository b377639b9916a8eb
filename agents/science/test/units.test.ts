import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createLogger, deliverTask, TaskNeedsInput, type CustomerTask } from '#platform';
import { checkDimensions } from '../src/units/check-dimensions.ts';
import { convertQuantities } from '../src/units/convert-quantities.ts';
import { renderConversions, renderDimensions } from '../src/units/render-units.ts';
import { convertInput, dimensionsInput } from '../src/task-inputs.ts';
import { convert } from '../src/tools/convert.ts';
import { dimensions } from '../src/tools/dimensions.ts';

// science.convert and science.dimensions on a real worksheet's quantities and formulas,
// exactly: the converted values, each side's units, and the term that does not match.
const fixture = (name: string) => readFile(new URL(`fixtures/${name}`, import.meta.url), 'utf8');

function taskOf(type: string, input: Record<string, unknown>): CustomerTask {
  return {
    id: '3c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
    organisationId: '9e8d7c6b-5a49-4382-9716-a5b4c3d2e1f0',
    agentId: 'science',
    type,
    input,
    organisation: { industry: 'K-12 schools', pastDeliverables: [], feedback: [] },
    log: createLogger('silent'),
  };
}

const prompt = (name: string) => new URL(`../prompts/${name}.md`, import.meta.url);

describe('science.convert', () => {
  it('converts each line with its SI form, and says which cannot be converted', async () => {
    const found = convertQuantities(await fixture('conversions.txt'));
    expect(found.map((c) => [c.from, c.result, c.si, c.dimension.quantity])).toEqual([
      ['72 km/h', '20 m / s', '20 m/s', 'velocity'],
      ['25 degC', '77 degF', '298.15 K', 'temperature'],
      ['9.81 m/s^2', '32.185039 ft / s^2', '9.81 m/s^2', 'acceleration'],
      ['1 kWh', '3600000 J', '3600000 J', 'energy or torque'],
      ['101325 Pa', '1 atm', '101325 Pa', 'pressure'],
      ['5 kg', null, '5 kg', 'mass'],
      ['3 lbf', null, '13.344665 N', 'force'],
    ]);
    expect(found[5]?.problem).toBe('5 kg is mass but N is force: one cannot be converted to the other');
    expect(found[2]?.value).toBeCloseTo(32.18503937, 8);
    expect(renderConversions(found)).toBe(await fixture('conversions.md'));
  });

  it('delivers Markdown and JSON with an anonymised summary', async () => {
    const done = await deliverTask(taskOf('science.convert', { quantities: await fixture('conversions.txt') }), {
      input: convertInput,
      tool: convert,
      prompt: prompt('convert'),
    });
    expect(done.deliverables.map((d) => d.name)).toEqual(['conversions.md', 'conversions.json']);
    expect(done.summary).toBe('converted 7 quantities for an organisation in K-12 schools');
  });

  it('asks again for an unknown unit or a number-less quantity, naming the line', () => {
    expect(() => convertQuantities('72 km/h to m/s\n3 furlongz to m')).toThrow(
      'Line 2: "3 furlongz" is not a unit mathjs knows',
    );
    expect(() => convertQuantities('kg to g')).toThrow('Line 1: "kg" needs a number and a unit');
  });
});

describe('science.dimensions', () => {
  it('gives F = m * a the unit newton from kg and m/s^2', () => {
    const found = checkDimensions('F = m * a', 'm: kg\na: m/s^2');
    expect(found).toMatchObject({ balanced: true, consistent: true, flags: [] });
    expect(found.variables[0]).toEqual({
      name: 'F',
      unit: 'N',
      dimension: { si: '(kg m) / s^2', quantity: 'force', namedUnit: 'N' },
      derived: true,
    });
  });

  it('flags sides that differ, sums of unlike terms, and functions of quantities with units', () => {
    expect(checkDimensions('F = m * a', 'F: J\nm: kg\na: m/s^2').flags).toEqual([
      'The two sides differ: the left is (kg m^2) / s^2 (energy or torque), the right is (kg m) / s^2 (force)',
    ]);
    expect(checkDimensions('v = u + a', 'v: m/s\nu: m/s\na: m/s^2')).toMatchObject({
      balanced: true,
      consistent: false,
      flags: ['`u + a` adds unlike quantities: u is m / s (velocity), a is m / s^2 (acceleration)'],
    });
    expect(checkDimensions('x = A*sin(t)', 'x: m\nA: m\nt: s').flags).toEqual([
      '`sin(t)` takes sin of s (time); its argument must be a pure number',
    ]);
    expect(checkDimensions('x = A*sin(w*t)', 'x: m\nA: m\nw: rad/s\nt: s').consistent).toBe(true);
    expect(checkDimensions('T = 2*pi*sqrt(L/g)', 'T: s\nL: m\ng: m/s^2').consistent).toBe(true);
    expect(checkDimensions('P = rho*g*h', 'P: Pa\nrho: kg/m^3\ng: m/s^2\nh: m').right.namedUnit).toBe('Pa');
  });

  it('reports a motion formula with a missing t^2', async () => {
    const done = await deliverTask(
      taskOf('science.dimensions', { formula: 's = u*t + a*t', units: await fixture('motion.units.txt') }),
      { input: dimensionsInput, tool: dimensions, prompt: prompt('dimensions') },
    );
    expect(done.deliverables[0]?.content).toBe(await fixture('motion.dimensions.md'));
    expect(done.summary).toBe("checked a formula's dimensions (1 mismatch(es)) for an organisation in K-12 schools");
  });

  it('asks for every unit it needs', () => {
    expect(() => checkDimensions('F = m * a', 'm: kg')).toThrow('Give the unit of a');
    expect(() => checkDimensions('F = m * a', 'm kg')).toThrow('Units, line 1: write "variable: unit"');
  });
});

describe('hostile input', () => {
  it('escapes Markdown in the quantities shown, and refuses HTML, assignments and calls in a formula', () => {
    expect(renderConversions(convertQuantities('5 kg*m/s to N s'))).toContain('| 1 | 5 kg\\*m/s | 5 N s |');
    for (const formula of ['F = <b>m</b>', 'F = import("fs")', 'F = m; a = 2', 'F = m.constructor'])
      expect(() => checkDimensions(formula, 'F: N\nm: kg')).toThrow(TaskNeedsInput);
    expect(renderDimensions(checkDimensions('F = m', 'F: kg\nm: kg*m/m'))).toContain('| m | kg\\*m/m |');
  });

  it('refuses an oversized list at the schema and more than 50 lines in the tool', async () => {
    await expect(
      deliverTask(taskOf('science.convert', { quantities: '1 m to cm\n'.repeat(500) }), {
        input: convertInput,
        tool: convert,
        prompt: prompt('convert'),
      }),
    ).rejects.toThrow('quantities');
    expect(() => convertQuantities('1 m to cm\n'.repeat(51))).toThrow('at most 50');
  });
});
