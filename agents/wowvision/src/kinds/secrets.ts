import { createHash } from 'node:crypto';
import { z } from 'zod';
import { defineKind, type Hit } from './rule-kind.ts';
import { fileSpec, matchFile } from './support/path-spec.ts';

/** Known credential shapes; the name is what a finding says, never the value. */
const known: { name: string; pattern: RegExp }[] = [
  { name: 'an AWS access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { name: 'a GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/ },
  { name: 'a GitHub fine-grained token', pattern: /\bgithub_pat_[A-Za-z0-9_]{22,}\b/ },
  { name: 'a Slack token', pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}/ },
  { name: 'a Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { name: 'a Stripe live key', pattern: /\b[rs]k_live_[0-9a-zA-Z]{24,}\b/ },
  { name: 'an OpenAI API key', pattern: /\bsk-(?:proj-)?[A-Za-z0-9_-]{32,}\b/ },
];

// A quoted or assigned value after a name that says it is a credential.
// A key header alone is a placeholder; a key has a base64 body after it.
const privateKey = /-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----/;
const keyBody = /^(?:\\n|\s)*[A-Za-z0-9+/=]{40,}/;

const assigned =
  /(?:secret|token|passw(?:or)?d|api[_-]?key|private[_-]?key|credential|auth)[\w-]*["']?\s*[:=]\s*["'`]?([A-Za-z0-9+/=_\-.~]{16,})/gi;
// Any long quoted string: judged by its entropy alone.
const quoted = /["'`]([A-Za-z0-9+/=_\-.~]{32,})["'`]/g;

/**
 * Credentials on added lines: known token shapes and high-entropy strings. The finding
 * names the kind of secret and its length; the value is never repeated anywhere.
 */
export const secrets = defineKind({
  name: 'secrets',
  summary: 'Private keys, cloud or GitHub tokens and other high-entropy secrets added to the code.',
  defaultScope: 'changed',
  options: z.strictObject({
    paths: fileSpec.default({
      path: ['**'],
      pathNot: ['**/package-lock.json', '**/*.lock', '**/pnpm-lock.yaml', '**/*.snap'],
    }),
    entropy: z
      .number()
      .min(3)
      .max(6)
      .default(4.2)
      .describe('bits per character above which a long string counts as a secret'),
  }),
  checkFile(options, file, view) {
    if (matchFile(options.paths, file.path, view) === undefined) return [];
    const added = view.changes.get(file.path)?.addedLines;
    const hits: Hit[] = [];
    const lines = file.text.split('\n');
    lines.forEach((text, index) => {
      const line = index + 1;
      if (added !== undefined && !added.has(line)) return;
      const header = privateKey.exec(text);
      if (
        header !== null &&
        (keyBody.test(text.slice(header.index + header[0].length)) || keyBody.test(lines[index + 1] ?? ''))
      ) {
        hits.push(finding(file.path, line, header.index, header[0], 'a private key'));
        return;
      }
      for (const { name, pattern } of known) {
        const m = pattern.exec(text);
        if (m !== null) {
          hits.push(finding(file.path, line, m.index, m[0], name));
          return;
        }
      }
      for (const regex of [assigned, quoted]) {
        regex.lastIndex = 0;
        for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
          const value = m[1] ?? '';
          if (looksRandom(value, options.entropy)) {
            hits.push(
              finding(file.path, line, m.index + m[0].indexOf(value), value, 'a high-entropy string (likely a secret)'),
            );
            return;
          }
        }
      }
    });
    return hits;
  },
});

function finding(path: string, line: number, index: number, value: string, name: string): Hit {
  const fingerprint = createHash('sha256').update(value).digest('hex').slice(0, 16);
  return {
    path,
    line,
    column: index + 1,
    endColumn: index + 1 + value.length,
    message: `${name}, ${value.length} characters, is added here; remove it, rotate it, and load it from the environment`,
    key: `secret ${fingerprint}`,
  };
}

/** A relative path to a file: lowercase folders, a name with an extension (e.g. a numbered migration). */
const filePath = /^(?:[a-z0-9_.-]+\/)+[a-z0-9_-]+\.[a-z]{1,5}$/;

function looksRandom(value: string, threshold: number): boolean {
  // Paths, words joined by dashes and version strings are long but not random.
  if (
    !/[0-9]/.test(value) ||
    !/[a-zA-Z]/.test(value) ||
    /^[a-z]+(?:[-_.][a-z0-9]+)+$/.test(value) ||
    filePath.test(value)
  )
    return false;
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let entropy = 0;
  for (const n of counts.values()) entropy -= (n / value.length) * Math.log2(n / value.length);
  return entropy >= Math.min(threshold, Math.log2(value.length) - 0.5);
}
