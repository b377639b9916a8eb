import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadRulePack } from '../../src/index.ts';
import { packWith, tempRepo, where, type TempRepo } from '../support/temp-repo.ts';

let repo: TempRepo | undefined;
afterEach(async () => repo?.dispose());

// Every hostile character in this file is written as an escape, so the file itself passes the rule.
const trojanSource = [
  'export function isAdmin(level: string): boolean {',
  // The classic CVE-2021-42574 example: the check reads as a comment, but runs.
  "  /*\u202E } \u2066if (level != 'user')\u2069 \u2066 begin admins only */",
  '  return true;',
  '}',
  '',
].join('\n');

describe('hidden-characters rules', () => {
  it('finds bidirectional controls, invisible characters, line separators and control characters, each at its line and column', async () => {
    repo = await tempRepo(packWith({ kind: 'hidden-characters' }));
    await repo.write({
      'src/admin.ts': trojanSource,
      'src/names.ts':
        'export const pay\u200Bpal = 1;\n// one\u2028two\nexport const bell = "\u0007";\nexport const next = "\u0085";\nexport const mark = "a\u200Fb";\n',
    });
    expect(where(await repo.review({ base: 'main' }))).toEqual([
      'src/admin.ts:2 U+202E RIGHT-TO-LEFT OVERRIDE, a bidirectional control (Trojan Source, CVE-2021-42574): ' +
        'the code runs in another order than it reads; remove it, or write the escape \\u202E where it is meant',
      'src/admin.ts:2 U+2066 LEFT-TO-RIGHT ISOLATE, a bidirectional control (Trojan Source, CVE-2021-42574): ' +
        'the code runs in another order than it reads; remove it, or write the escape \\u2066 where it is meant',
      'src/admin.ts:2 U+2069 POP DIRECTIONAL ISOLATE, a bidirectional control (Trojan Source, CVE-2021-42574): ' +
        'the code runs in another order than it reads; remove it, or write the escape \\u2069 where it is meant',
      'src/admin.ts:2 U+2066 LEFT-TO-RIGHT ISOLATE, a bidirectional control (Trojan Source, CVE-2021-42574): ' +
        'the code runs in another order than it reads; remove it, or write the escape \\u2066 where it is meant',
      'src/names.ts:1 U+200B ZERO WIDTH SPACE, an invisible character: ' +
        'two names that look the same are different; remove it, or write the escape \\u200B where it is meant',
      'src/names.ts:2 U+2028 LINE SEPARATOR, a line terminator to JavaScript that editors do not show as one: ' +
        'it can end a comment early; replace it with a newline, or write the escape \\u2028 where it is meant',
      'src/names.ts:3 U+0007 BELL, a control character: terminals and tools act on it instead of showing it; ' +
        'remove it, or write the escape \\u0007 where it is meant',
      'src/names.ts:4 U+0085 NEXT LINE, a control character: ' +
        'terminals and tools act on it instead of showing it; remove it, or write the escape \\u0085 where it is meant',
      'src/names.ts:5 U+200F RIGHT-TO-LEFT MARK, a bidirectional control (Trojan Source, CVE-2021-42574): ' +
        'the code runs in another order than it reads; remove it, or write the escape \\u200F where it is meant',
    ]);
    const review = await repo.review({ base: 'main' });
    expect(review.conclusion).toBe('failure');
    // Columns count UTF-16 units from 1, as editors and GitHub's annotations do.
    expect(review.findings.filter((f) => f.path === 'src/admin.ts').map((f) => [f.column, f.endColumn])).toEqual([
      [5, 6],
      [9, 10],
      [30, 31],
      [32, 33],
    ]);
    // No report repeats a hostile character: it lands in check runs, comments and logs.
    expect(JSON.stringify(review.findings.map((f) => f.message))).not.toMatch(
      // eslint-disable-next-line no-control-regex -- the control characters no message may hold
      /[\u202A-\u202E\u2066-\u2069\u200B-\u200F\u2028\u2029\u0000-\u0008]/,
    );
  });

  it('finds a carriage return with no line feed after it: JavaScript ends a line and a // comment there, GitHub shows one line', async () => {
    repo = await tempRepo(packWith({ kind: 'hidden-characters' }));
    await repo.write({
      'src/lone-cr.ts': '// only admins may\rexport const allowed = true;\r\nexport const crlf = 1;\r\nlast\r',
    });
    const review = await repo.review({ base: 'main' });
    expect(where(review)).toEqual([
      'src/lone-cr.ts:1 U+000D CARRIAGE RETURN with no line feed after it: ' +
        "JavaScript ends a line (and a // comment) there, while GitHub's diff and most editors show one line; " +
        'replace it with a newline, or write the escape \\u000D where it is meant',
      'src/lone-cr.ts:3 U+000D CARRIAGE RETURN with no line feed after it: ' +
        "JavaScript ends a line (and a // comment) there, while GitHub's diff and most editors show one line; " +
        'replace it with a newline, or write the escape \\u000D where it is meant',
    ]);
    expect(review.findings.map((f) => [f.line, f.column])).toEqual([
      [1, 19],
      [3, 5],
    ]);
  });

  it('finds invisible characters JavaScript takes as names, and tag characters, by code point (beyond U+FFFF too)', async () => {
    repo = await tempRepo(packWith({ kind: 'hidden-characters' }));
    await repo.write({
      // The "invisible backdoor": U+3164 is a letter to JavaScript, so it names a variable no reviewer sees.
      'src/backdoor.ts':
        'export function run(req: { query: Record<string, string> }, exec: (c: string) => void) {\n' +
        '  const { timeout, \u3164 } = req.query;\n  exec(\u3164);\n  return timeout;\n}\n',
      'docs/smuggled.md':
        'Looks empty:\u{E0049}\u{E0067}\u{E006E}\u{E006F}\u{E0072}\u{E0065} and a selector\u{E0100}.\n',
    });
    const review = await repo.review({ base: 'main' });
    expect(where(review)).toEqual([
      'docs/smuggled.md:1 U+E0049 TAG LATIN CAPITAL LETTER I, an invisible character: ' +
        'two names that look the same are different; remove it, or write the escape \\u{E0049} where it is meant',
      'docs/smuggled.md:1 U+E0067 TAG LATIN SMALL LETTER G, an invisible character: ' +
        'two names that look the same are different; remove it, or write the escape \\u{E0067} where it is meant',
      'docs/smuggled.md:1 U+E006E TAG LATIN SMALL LETTER N, an invisible character: ' +
        'two names that look the same are different; remove it, or write the escape \\u{E006E} where it is meant',
      'docs/smuggled.md:1 U+E006F TAG LATIN SMALL LETTER O, an invisible character: ' +
        'two names that look the same are different; remove it, or write the escape \\u{E006F} where it is meant',
      'docs/smuggled.md:1 U+E0072 TAG LATIN SMALL LETTER R, an invisible character: ' +
        'two names that look the same are different; remove it, or write the escape \\u{E0072} where it is meant',
      'docs/smuggled.md:1 U+E0065 TAG LATIN SMALL LETTER E, an invisible character: ' +
        'two names that look the same are different; remove it, or write the escape \\u{E0065} where it is meant',
      'docs/smuggled.md:1 U+E0100 VARIATION SELECTOR-17, an invisible character: ' +
        'two names that look the same are different; remove it, or write the escape \\u{E0100} where it is meant',
      'src/backdoor.ts:2 U+3164 HANGUL FILLER, an invisible character: ' +
        'two names that look the same are different; remove it, or write the escape \\u3164 where it is meant',
      'src/backdoor.ts:3 U+3164 HANGUL FILLER, an invisible character: ' +
        'two names that look the same are different; remove it, or write the escape \\u3164 where it is meant',
    ]);
    // Columns count UTF-16 units, as GitHub's annotations do: each tag character takes two.
    expect(review.findings.filter((f) => f.path === 'docs/smuggled.md').map((f) => [f.column, f.endColumn])).toEqual([
      [13, 15],
      [15, 17],
      [17, 19],
      [19, 21],
      [21, 23],
      [23, 25],
      [40, 42],
    ]);
    expect(JSON.stringify(review.findings)).not.toMatch(/[\u3164\u{E0000}-\u{E01EF}]/u);
    expect(JSON.stringify(review.findings)).not.toMatch(/[\uD800-\uDFFF]/);
  });

  it('leaves tab, newline, carriage return, form feed, a byte order mark at the start and emoji sequences alone', async () => {
    repo = await tempRepo(packWith({ kind: 'hidden-characters' }));
    await repo.write({
      'src/plain.ts': '\uFEFFexport const a = 1;\r\n\texport const b = 2;\f\n',
      'docs/family.md':
        'A family: \u{1F468}\u200D\u{1F469}\u200D\u{1F467}, a rainbow flag: \u{1F3F3}\uFE0F\u200D\u{1F308}, ' +
        'Scotland: \u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}.\n',
      'src/later-bom.ts': 'export const c = 1;\n\uFEFFexport const d = 2;\n',
    });
    expect(where(await repo.review({ base: 'main' }))).toEqual([
      'src/later-bom.ts:2 U+FEFF ZERO WIDTH NO-BREAK SPACE, an invisible character: ' +
        'two names that look the same are different; remove it, or write the escape \\uFEFF where it is meant',
    ]);
  });

  it('forbids a leading byte order mark with bom: forbid, and lets listed characters through with allow', async () => {
    repo = await tempRepo(packWith({ kind: 'hidden-characters', bom: 'forbid', allow: ['U+200C'] }));
    await repo.write({ 'src/a.ts': '\uFEFFexport const a = 1;\n', 'docs/fa.md': 'می\u200Cخواهم\n' });
    expect(where(await repo.review({ base: 'main' }))).toEqual([
      'src/a.ts:1 U+FEFF ZERO WIDTH NO-BREAK SPACE, a byte order mark this repository does not use (bom: forbid); save the file as UTF-8 without a BOM',
    ]);
  });

  it('skips binary files and ignored paths, and names a file with NUL bytes that is declared neither', async () => {
    repo = await tempRepo(
      packWith({
        kind: 'hidden-characters',
        paths: { path: '**', pathNot: ['test/fixtures/**'] },
        binary: ['**/*.png', '**/*.bin'],
      }),
    );
    await repo.write({
      'logo.png': '\u0089PNG\r\n\u001A\n\u0000\u0000\u0000\rIHDR\u202E',
      'data/blob.bin': '\u0000\u0001\u0002\u202E',
      'test/fixtures/hostile.txt': 'kept as sent \u202E\u200B\u0007\n',
      'src/sneaky.ts': '// \u0000\nexport const level = "user\u202E";\n',
    });
    expect(where(await repo.review({ base: 'main' }))).toEqual([
      'src/sneaky.ts:1 U+0000 NULL: ' +
        'git and GitHub show a file with NUL bytes as binary, so no reviewer reads its text; ' +
        "remove the NUL if the file is text, or add its path to the rule's binary globs if it is binary",
    ]);
  });

  it('judges every line of a changed file, not only added ones, and bounds what one file reports', async () => {
    repo = await tempRepo({
      ...packWith({ kind: 'hidden-characters' }),
      'src/old.ts': 'export const x = "\u202E";\n',
      'src/untouched.ts': 'export const y = "\u202E";\n',
    });
    await repo.write({
      'src/old.ts': 'export const x = "\u202E";\nexport const z = 2;\n',
      'src/many.ts': 'export const s = "' + '\u200B'.repeat(150) + '";\n',
    });
    const review = await repo.review({ base: 'main' });
    expect(review.findings.filter((f) => f.path === 'src/old.ts').map((f) => f.line)).toEqual([1]);
    expect(review.findings.some((f) => f.path === 'src/untouched.ts')).toBe(false);
    const many = review.findings.filter((f) => f.path === 'src/many.ts');
    expect(many).toHaveLength(50);
    expect(many.at(-1)?.message).toBe(
      'U+200B ZERO WIDTH SPACE and 100 more hidden characters in this file (only the first 50 are listed); ' +
        'remove them, or write each as its \\u escape where it is meant',
    );
  });

  it('reads no file through a symbolic link in the working tree, as a commit is read: a link can point out of the repository', async () => {
    repo = await tempRepo(packWith({ kind: 'hidden-characters' }));
    const outside = await tempRepo({ 'secret.txt': 'token \u202E outside the repository\n' });
    try {
      await symlink(join(outside.dir, 'secret.txt'), join(repo.dir, 'leak.txt'));
      await repo.write({ 'src/a.ts': 'export const a = "\u200B";\n' });
      expect(where(await repo.review({ base: 'main' })).map((w) => w.split(' ')[0])).toEqual(['src/a.ts:1']);
    } finally {
      await outside.dispose();
    }
  });

  it('cannot be waived from inside the change: the waiver would sit beside the text it hides', async () => {
    repo = await tempRepo(packWith({ kind: 'hidden-characters' }));
    const [first, ...rest] = trojanSource.split('\n');
    await repo.write({
      'src/admin.ts': [first, '  // wowvision-disable-next-line the-rule -- it is only a comment', ...rest].join('\n'),
    });
    const review = await repo.review({ base: 'main' });
    expect(review.waived).toEqual([]);
    expect(review.conclusion).toBe('failure');
    expect(review.findings[0]?.message).toContain('cannot be waived');
  });

  it('refuses an allow entry that is not a code point, naming the field', async () => {
    const loaded = await loadRulePack(
      {
        file: '.github/wowvision.yml',
        text: 'rules:\n  - name: hidden\n    kind: hidden-characters\n    allow: [ZWJ]\n',
      },
      async () => undefined,
    );
    expect(loaded).toEqual({
      problems: [
        {
          file: '.github/wowvision.yml',
          line: 4,
          column: 13,
          message:
            'rule "hidden", allow.0: expected a code point written as U+ and four to six hex digits, e.g. "U+200D"',
        },
      ],
    });
  });

  it("is on by default: in the recommended pack and in this repository's own rules", async () => {
    const recommended = await loadRulePack(
      { file: '(default)', text: 'extends: recommended\n' },
      async () => undefined,
    );
    if (!('pack' in recommended)) throw new Error('recommended pack invalid');
    expect(recommended.pack.rules.find((r) => r.kind === 'hidden-characters')).toMatchObject({
      name: 'no-hidden-characters',
      severity: 'error',
    });
    const { readFile } = await import('node:fs/promises');
    const ours = await loadRulePack(
      {
        file: 'rules/waooaw.yml',
        text: await readFile(new URL('../../../../rules/waooaw.yml', import.meta.url), 'utf8'),
      },
      async () => undefined,
    );
    if (!('pack' in ours)) throw new Error('waooaw pack invalid');
    expect(ours.pack.rules.find((r) => r.kind === 'hidden-characters')).toMatchObject({ severity: 'error' });
  });
});
