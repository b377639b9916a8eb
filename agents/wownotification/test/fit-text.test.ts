import { describe, expect, it } from 'vitest';
import { cutNotice, fitText } from '../src/sync/fit-text.ts';

// Cutting a customer's text to what GitHub holds: the rendering fits, says how much is left
// out, and never breaks what follows the cut.
const render = (shown: string, omitted: number) =>
  `${shown}${omitted === 0 ? '' : `\n${cutNotice(omitted, 't-1')}`}\n<!-- marker -->`;
const characters = (text: string) => Array.from(text).length;

describe('fitText', () => {
  it('renders a text that fits whole, without a tail', () => {
    expect(fitText('short', 100, render)).toBe('short\n<!-- marker -->');
  });

  it('keeps the longest start that fits, counting what is left out in characters', () => {
    const text = 'a'.repeat(500);
    const out = fitText(text, 200, render);
    expect(characters(out)).toBeLessThanOrEqual(200);
    const shown = out.slice(0, out.indexOf('\n'));
    expect(out).toBe(render(shown, 500 - shown.length));
    // One character more would not fit.
    expect(characters(render(text.slice(0, shown.length + 1), 500 - shown.length - 1))).toBeGreaterThan(200);
  });

  it('counts characters, not UTF-16 units, and never splits a surrogate pair', () => {
    const text = '🔥'.repeat(300);
    for (const limit of [150, 151, 152, 153]) {
      const out = fitText(text, limit, render);
      expect(characters(out)).toBeLessThanOrEqual(limit);
      expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      expect(out).toMatch(/\[cut: \d+ more characters/);
    }
    expect(fitText(text, 150, render)).toContain(
      `[cut: ${300 - Array.from(fitText(text, 150, render).split('\n')[0] ?? '').length} more characters`,
    );
  });

  it('never cuts inside an HTML comment, which would hide the tail and the markers after it', () => {
    const text = `${'a'.repeat(50)}<!-- ${'b'.repeat(200)} -->${'c'.repeat(50)}`;
    const out = fitText(text, 150, render);
    expect(out.startsWith(`${'a'.repeat(50)}\n… [cut: `)).toBe(true);
    expect(out).toContain(`[cut: ${characters(text) - 50} more characters`);
  });

  it('writes the count with thousands separators and names the ticket', () => {
    expect(cutNotice(4464, '3f2c')).toBe('… [cut: 4,464 more characters; the whole text is in ticket `3f2c`]');
  });
});
