import { describe, expect, it } from 'vitest';
import { isWowError } from '../../errors/define-errors.ts';
import { deliverableLimits, encodeDeliverables } from '../encode-deliverables.ts';

const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (isWowError(err, 'WOW_ERR_TASK_DELIVERABLE')) return err.message;
    throw err;
  }
  throw new Error('not refused');
};

describe('encodeDeliverables', () => {
  it('carries text as utf8 and bytes as base64, as customer.task.completed describes', () => {
    expect(
      encodeDeliverables('seo', [
        { name: 'audit.md', mediaType: 'text/markdown; charset=utf-8', content: '# Audit ✓' },
        { name: 'report.pdf', mediaType: 'application/pdf', content: new Uint8Array([37, 80, 68, 70]) },
      ]),
    ).toEqual([
      { name: 'audit.md', mediaType: 'text/markdown; charset=utf-8', encoding: 'utf8', content: '# Audit ✓' },
      { name: 'report.pdf', mediaType: 'application/pdf', encoding: 'base64', content: 'JVBERg==' },
    ]);
  });

  it('refuses, naming the file, one too big, a name that is no safe file name, a bad media type, none or duplicates', () => {
    const big = new Uint8Array(deliverableLimits.maxBytes + 1);
    expect(
      refusal(() => encodeDeliverables('seo', [{ name: 'big.bin', mediaType: 'application/pdf', content: big }])),
    ).toContain(`"big.bin" is ${deliverableLimits.maxBytes + 1} bytes`);
    // A string is measured in UTF-8 bytes: 200,000 three-byte characters are 600,000 bytes.
    expect(
      refusal(() =>
        encodeDeliverables('seo', [{ name: 'a.md', mediaType: 'text/markdown', content: '✓'.repeat(200_000) }]),
      ),
    ).toContain('"a.md" is 600000 bytes');
    expect(
      refusal(() => encodeDeliverables('seo', [{ name: '../etc/passwd', mediaType: 'text/plain', content: 'x' }])),
    ).toContain('is not a safe file name');
    expect(
      refusal(() => encodeDeliverables('seo', [{ name: 'a.md', mediaType: 'text/html\r\nX: y', content: 'x' }])),
    ).toContain('has the media type');
    expect(refusal(() => encodeDeliverables('seo', []))).toContain('it returned none');
    const twice = { name: 'a.md', mediaType: 'text/markdown', content: 'x' };
    expect(refusal(() => encodeDeliverables('seo', [twice, twice]))).toContain('two deliverables are named "a.md"');
    const five = Array.from({ length: 5 }, (_, i) => ({
      name: `part-${i}.bin`,
      mediaType: 'application/octet-stream',
      content: new Uint8Array(deliverableLimits.maxBytes),
    }));
    expect(refusal(() => encodeDeliverables('seo', five))).toContain('together they pass');
  });
});
