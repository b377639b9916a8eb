import { z } from 'zod';
import {
  codePointOf,
  escapeCodePoint,
  hiddenCharacterName,
  hiddenCharacterPattern,
  hiddenKindOf,
  hiddenKinds,
  type HiddenKind,
} from '#platform/text';
import { defineKind, type Hit } from './rule-kind.ts';
import { fileSpec, matchFile } from './support/path-spec.ts';

/** What each kind of hidden character does to a reader, and how to fix it. */
const classes: Readonly<Record<HiddenKind, { why: string; fix: string }>> = {
  bidi: {
    why: 'a bidirectional control (Trojan Source, CVE-2021-42574): the code runs in another order than it reads',
    fix: 'remove it',
  },
  invisible: { why: 'an invisible character: two names that look the same are different', fix: 'remove it' },
  separator: {
    why: 'a line terminator to JavaScript that editors do not show as one: it can end a comment early',
    fix: 'replace it with a newline',
  },
  control: { why: 'a control character: terminals and tools act on it instead of showing it', fix: 'remove it' },
};

const loneCarriageReturn =
  'U+000D CARRIAGE RETURN with no line feed after it: ' +
  "JavaScript ends a line (and a // comment) there, while GitHub's diff and most editors show one line; " +
  'replace it with a newline, or write the escape \\u000D where it is meant';

// Tab, LF, CR and FF are the only control characters a text file needs; a CR only before a LF.
const hidden = hiddenCharacterPattern(hiddenKinds, '\t\n\r\f');
const carriageReturn = /\r(?!$)/g;

/** Git's own test: a NUL in the first 8,000 bytes makes a file binary, shown in no diff. */
const binaryProbe = 8000;
const perFile = 50;
// A joiner between two pictographs builds one emoji (a family, a flag): harmless and common in docs.
const emojiBefore = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\uFE0F]$/u;
const emojiAfter = /^\p{Extended_Pictographic}/u;
// Tag characters spell hidden text, except in the three flags Unicode recommends (England,
// Scotland, Wales): a black flag, "gb" and a region in tags, a cancel tag. Nothing else hides there.
const tagFlag =
  /\u{1F3F4}\u{E0067}\u{E0062}(?:\u{E0065}\u{E006E}\u{E0067}|\u{E0073}\u{E0063}\u{E0074}|\u{E0077}\u{E006C}\u{E0073})\u{E007F}/gu;

const codePoint = z
  .string()
  .regex(/^U\+[0-9A-Fa-f]{4,6}$/, {
    error: 'expected a code point written as U+ and four to six hex digits, e.g. "U+200D"',
  })
  .transform((v) => parseInt(v.slice(2), 16));

/** Common binary formats, never read as text. */
const binaryFiles = [
  '**/*.{png,jpg,jpeg,gif,webp,avif,bmp,ico,icns,tif,tiff,psd,pdf,zip,gz,tgz,bz2,xz,zst,7z,rar,jar,war,whl,woff,woff2,' +
    'ttf,otf,eot,mp3,mp4,m4a,wav,ogg,flac,webm,mov,avi,wasm,exe,dll,so,dylib,a,o,class,pyc,node,bin,dat,db,sqlite,lockb}',
];

/**
 * Trojan Source characters in changed files: bidirectional controls, invisible characters,
 * U+2028/U+2029 and control characters, each at its line and column, by code point and
 * name (never repeated raw: the report lands in check runs, comments and logs).
 */
export const hiddenCharacters = defineKind({
  name: 'hidden-characters',
  summary:
    'Bidirectional controls, zero-width characters, line separators ' +
    'and control characters that make code read differently than it runs (Trojan Source, CVE-2021-42574).',
  // A character that hides code is as dangerous on an old line as on a new one.
  defaultScope: 'file',
  // A waiver comment can hide in the same invisible text; the pack's `allow` and `pathNot`, read from the base, decide instead.
  waivable: false,
  options: z.strictObject({
    paths: fileSpec.default({ path: ['**'], pathNot: [] }),
    binary: z.array(z.string().min(1)).default(binaryFiles).describe('globs of binary files, never read as text'),
    bom: z
      .enum(['allow', 'forbid'], { error: 'expected allow (a byte order mark at the very start is fine) or forbid' })
      .default('allow'),
    allow: z
      .array(codePoint)
      .default([])
      .describe('code points a repository uses on purpose, e.g. U+200C in Persian text'),
  }),
  checkFile(options, file, view) {
    if (matchFile(options.paths, file.path, view) === undefined) return [];
    if (matchFile({ path: options.binary, pathNot: [] }, file.path, view) !== undefined) return [];
    const nul = file.text.indexOf('\u0000');
    if (nul !== -1 && Buffer.byteLength(file.text.slice(0, nul)) < binaryProbe) {
      const { line, column } = positionOf(file.text, nul);
      return [
        {
          path: file.path,
          line,
          column,
          endColumn: column + 1,
          message:
            'U+0000 NULL: git and GitHub show a file with NUL bytes as binary, so no reviewer reads its text; ' +
            "remove the NUL if the file is text, or add its path to the rule's binary globs if it is binary",
          key: 'hidden U+0000 binary',
        },
      ];
    }
    const allowed = new Set(options.allow);
    const found: { line: number; column: number; width: number; code: number; text: string }[] = [];
    let more = 0;
    const lines = file.text.split('\n');
    lines.forEach((text, index) => {
      const flags = [...text.matchAll(tagFlag)].map((f) => [f.index, f.index + f[0].length] as const);
      // The last line has no LF after it, so a CR at its end is lone too.
      const crs = index === lines.length - 1 ? /\r/g : carriageReturn;
      const hits = [...text.matchAll(hidden), ...(allowed.has(0x0d) ? [] : text.matchAll(crs))].sort(
        (a, b) => a.index - b.index,
      );
      for (const m of hits) {
        // By code point: tags and variation selectors lie beyond U+FFFF, two UTF-16 units each.
        const code = m[0].codePointAt(0) ?? 0;
        if (allowed.has(code) || (code === 0xfeff && index === 0 && m.index === 0 && options.bom === 'allow')) continue;
        if (
          code === 0x200d &&
          emojiBefore.test(text.slice(0, m.index)) &&
          emojiAfter.test(text.slice(m.index + m[0].length))
        )
          continue;
        if (flags.some(([from, to]) => m.index >= from && m.index < to)) continue;
        if (found.length < perFile)
          found.push({ line: index + 1, column: m.index + 1, width: m[0].length, code, text });
        else more++;
      }
    });
    return found.map(({ line, column, width, code, text }, i): Hit => {
      const bom = code === 0xfeff && line === 1 && column === 1;
      const message =
        i === perFile - 1 && more > 0
          ? `${describe(code)} and ${more} more hidden characters in this file (only the first ${perFile} are listed); ` +
            'remove them, or write each as its \\u escape where it is meant'
          : bom
            ? `${describe(code)}, a byte order mark this repository does not use (bom: forbid); save the file as UTF-8 without a BOM`
            : code === 0x0d
              ? loneCarriageReturn
              : messageOf(code);
      // Keyed by the visible text of its line, so a baseline entry survives edits elsewhere.
      return {
        path: file.path,
        line,
        column,
        endColumn: column + width,
        message,
        key: `hidden ${describe(code)} ${text.replace(hidden, '').replace(/\r/g, '').trim()}`,
      };
    });
  },
});

function describe(code: number): string {
  return `${codePointOf(code)} ${hiddenCharacterName(code)}`;
}

function messageOf(code: number): string {
  const { why, fix } = classes[hiddenKindOf(code) ?? 'control'];
  return `${describe(code)}, ${why}; ${fix}, or write the escape ${escapeCodePoint(code)} where it is meant`;
}

function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}
