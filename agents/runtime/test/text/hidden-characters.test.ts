import { describe, expect, it } from 'vitest';
import { escapeHiddenCharacters, hiddenCharacterName, hiddenCharacterPattern, hiddenKindOf } from '../../src/index.ts';

describe('hidden characters', () => {
  it('sorts each into its kind, and nothing else', () => {
    expect([0x202e, 0x2066, 0x200f, 0x061c].map(hiddenKindOf)).toEqual(['bidi', 'bidi', 'bidi', 'bidi']);
    expect([0x200b, 0x2060, 0xfeff].map(hiddenKindOf)).toEqual(['invisible', 'invisible', 'invisible']);
    expect([0x2028, 0x2029].map(hiddenKindOf)).toEqual(['separator', 'separator']);
    expect([0x00, 0x1b, 0x7f, 0x85].map(hiddenKindOf)).toEqual(['control', 'control', 'control', 'control']);
    expect(['a', 'é', '\u00a0', '\u{1F600}'].map((c) => hiddenKindOf(c.codePointAt(0) ?? 0))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('matches only the kinds asked for, keeping the control characters named', () => {
    const text = 'a\tb\nc\rd\u0000e\u202ef\u200bg';
    expect(text.replace(hiddenCharacterPattern(['control'], '\t\n\r'), '')).toBe('a\tb\nc\rde\u202ef\u200bg');
    expect(text.replace(hiddenCharacterPattern(), '')).toBe('abcdefg');
    expect(escapeHiddenCharacters('x\u2028y\nz')).toBe('x\\u2028y\nz');
  });

  it('names each by Unicode, control characters by their name alias', () => {
    expect(hiddenCharacterName(0x2028)).toBe('LINE SEPARATOR');
    expect(hiddenCharacterName(0x07)).toBe('BELL');
    expect(hiddenCharacterName(0x85)).toBe('NEXT LINE');
  });
});
