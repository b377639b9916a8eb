import { describe, expect, it } from 'vitest';
import {
  escapeCodePoint,
  escapeHiddenCharacters,
  hiddenCharacterName,
  hiddenCharacterPattern,
  hiddenKindOf,
} from '../../index.ts';

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

  it('counts as invisible the characters that are valid in JavaScript names or hide text without showing', () => {
    // Hangul fillers are letters to JavaScript: `const {timeout,\u3164} = req.query; exec(\u3164)` reads as one name.
    const invisible = [
      0x00ad, 0x115f, 0x1160, 0x180e, 0x2061, 0x2064, 0x206a, 0x206f, 0x3164, 0xffa0, 0xe0000, 0xe0041, 0xe007f,
      0xe0100, 0xe01ef,
    ];
    expect(invisible.map(hiddenKindOf)).toEqual(invisible.map(() => 'invisible'));
    // Every emoji with a text and an emoji form carries U+FE0F: the variation selectors of the BMP stay out.
    expect([0xfe00, 0xfe0f, 0xe01f0, 0xe0080].map(hiddenKindOf)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('matches only the kinds asked for, keeping the control characters named', () => {
    const text = 'a\tb\nc\rd\u0000e\u202ef\u200bg';
    expect(text.replace(hiddenCharacterPattern(['control'], '\t\n\r'), '')).toBe('a\tb\nc\rde\u202ef\u200bg');
    expect(text.replace(hiddenCharacterPattern(), '')).toBe('abcdefg');
    expect(escapeHiddenCharacters('x\u2028y\nz')).toBe('x\\u2028y\nz');
  });

  it('matches and escapes characters beyond U+FFFF by code point, never half of one', () => {
    const smuggled = 'ok\u{E0041}\u{E0042}\u{E0100}.';
    expect(smuggled.replace(hiddenCharacterPattern(), '')).toBe('ok.');
    expect(escapeHiddenCharacters(smuggled)).toBe('ok\\u{E0041}\\u{E0042}\\u{E0100}.');
    // An emoji beside them is neither matched nor split.
    expect('\u{1F600}\u{E0020}'.replace(hiddenCharacterPattern(), '')).toBe('\u{1F600}');
    expect([escapeCodePoint(0x3164), escapeCodePoint(0xe007f)]).toEqual(['\\u3164', '\\u{E007F}']);
  });

  it('names each by Unicode, control characters by their name alias, unassigned ones by their code point label', () => {
    expect(hiddenCharacterName(0x2028)).toBe('LINE SEPARATOR');
    expect(hiddenCharacterName(0x07)).toBe('BELL');
    expect(hiddenCharacterName(0x85)).toBe('NEXT LINE');
    expect(
      [0x00ad, 0x115f, 0x1160, 0x180e, 0x2061, 0x2062, 0x2063, 0x2064, 0x206a, 0x206f, 0x3164, 0xffa0].map(
        hiddenCharacterName,
      ),
    ).toEqual([
      'SOFT HYPHEN',
      'HANGUL CHOSEONG FILLER',
      'HANGUL JUNGSEONG FILLER',
      'MONGOLIAN VOWEL SEPARATOR',
      'FUNCTION APPLICATION',
      'INVISIBLE TIMES',
      'INVISIBLE SEPARATOR',
      'INVISIBLE PLUS',
      'INHIBIT SYMMETRIC SWAPPING',
      'NOMINAL DIGIT SHAPES',
      'HANGUL FILLER',
      'HALFWIDTH HANGUL FILLER',
    ]);
    expect([0xe0001, 0xe0020, 0xe0041, 0xe0061, 0xe0030, 0xe007e, 0xe007f].map(hiddenCharacterName)).toEqual([
      'LANGUAGE TAG',
      'TAG SPACE',
      'TAG LATIN CAPITAL LETTER A',
      'TAG LATIN SMALL LETTER A',
      'TAG DIGIT ZERO',
      'TAG TILDE',
      'CANCEL TAG',
    ]);
    expect([0xe0100, 0xe01ef, 0xe0000, 0xe0002].map(hiddenCharacterName)).toEqual([
      'VARIATION SELECTOR-17',
      'VARIATION SELECTOR-256',
      '<reserved-E0000>',
      '<reserved-E0002>',
    ]);
  });
});
