import { afterEach, describe, expect, it } from 'vitest';
import { packWith, tempRepo, where, type TempRepo } from '../support/temp-repo.ts';

let repo: TempRepo | undefined;
afterEach(async () => repo?.dispose());

// Built from parts so that this file itself holds no secret-shaped string.
// wowvision-disable-next-line no-secrets -- made-up credential shapes that test the secrets rule
const github = ['ghp', '_', 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'].join('');
const aws = ['AKIA', 'IOSFODNN7EXAMPLE'].join('');
// wowvision-disable-next-line no-secrets -- made-up credential shapes that test the secrets rule
const keyBody = 'MIIEowIBAAKCAQEAx7QmE0b4X9Yp2Lr1bS8uVnN3wQzK5tH6jRfGc4dPaE2yUoWi';
const pem = [`-----BEGIN RSA PRIVATE KEY-----`, keyBody, `-----END RSA PRIVATE KEY-----`].join('\n');
const random = 'q8Zr4Kp2Vw9Xt7Lm3Nc6Bd1Fh5Jg0Ys';

describe('secrets rules', () => {
  it('finds tokens, keys and high-entropy values on added lines and never repeats them', async () => {
    repo = await tempRepo({ ...packWith({ kind: 'secrets' }), 'old.ts': `export const legacy = '${github}';\n` });
    await repo.write({
      'config.ts': [
        `export const token = '${github}';`,
        `export const aws = "${aws}";`,
        `export const apiKey = "${random}";`,
        "export const commit = 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3';",
        "export const placeholder = '-----BEGIN RSA PRIVATE KEY-----';",
        "export const path = 'src/components/some-long-file-name-here.tsx';",
        "export const migration = 'infra/db/migrations/0004_support_desk.sql';",
      ].join('\n'),
      id_rsa: pem,
    });
    const review = await repo.review({ base: 'main' });
    expect(where(review)).toEqual([
      'config.ts:1 a GitHub token, 40 characters, is added here; remove it, rotate it, and load it from the environment',
      'config.ts:2 an AWS access key id, 20 characters, is added here; remove it, rotate it, and load it from the environment',
      'config.ts:3 a high-entropy string (likely a secret), 31 characters, is added here; remove it, rotate it, and load it from the environment',
      'id_rsa:1 a private key, 31 characters, is added here; remove it, rotate it, and load it from the environment',
    ]);
    const everything = JSON.stringify(review);
    for (const secret of [github, aws, random, keyBody]) expect(everything).not.toContain(secret);
  });

  it('lets a waiver with a reason through, and lists it', async () => {
    repo = await tempRepo(packWith({ kind: 'secrets' }));
    await repo.write({
      'fixture.ts':
        '// wowvision-disable-next-line the-rule -- a revoked token kept as a test fixture\n' +
        `export const t = '${github}';\n// wowvision-disable-next-line the-rule\nexport const u = '${github}';\n`,
    });
    const review = await repo.review({ base: 'main' });
    expect(review.waived.map((w) => `${w.finding.path}:${w.finding.line} ${w.reason}`)).toEqual([
      'fixture.ts:2 a revoked token kept as a test fixture',
    ]);
    expect(where(review)).toEqual([
      'fixture.ts:4 a GitHub token, 40 characters, is added here; remove it, rotate it, ' +
        'and load it from the environment (the waiver above has no reason: write "-- why" after the rule name)',
    ]);
  });
});
