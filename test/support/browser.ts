import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import pixelmatch from 'pixelmatch';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PNG } from 'pngjs';

/**
 * Debian's chromium, as CI installs it (.ci/services.sh). Never skipped: a missing browser
 * fails the test that needs it.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--font-render-hinting=none'],
  });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's WCAG 2.1 A and AA rules run in the page as it stands. Each violation comes
 * back with the elements it found, so a failing test names what to fix.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: await axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations;
  });
  return violations.map(
    (v) => `${v.id} (${v.impact ?? 'unknown'}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

/**
 * The page's screenshot against the committed one beside the test: at most `tolerance`
 * of the pixels may differ (anti-aliasing), more is a visual change. A missing baseline is
 * written locally and fails in CI; `UPDATE_SCREENSHOTS=1` rewrites them on purpose.
 */
export async function screenshotDifference(page: Page, file: string, tolerance = 0.002): Promise<string | undefined> {
  const actual = PNG.sync.read(await page.screenshot({ fullPage: true, animations: 'disabled', caret: 'hide' }));
  if (process.env.UPDATE_SCREENSHOTS === '1' || (!existsSync(file) && process.env.CI !== 'true')) {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, PNG.sync.write(actual));
    return undefined;
  }
  if (!existsSync(file)) return `no baseline at ${file}: run the test with UPDATE_SCREENSHOTS=1 and commit it`;
  const expected = PNG.sync.read(await readFile(file));
  if (expected.width !== actual.width || expected.height !== actual.height)
    return `${file}: the page is ${actual.width}×${actual.height}, the baseline ${expected.width}×${expected.height}`;
  const diff = new PNG({ width: actual.width, height: actual.height });
  const differing = pixelmatch(expected.data, actual.data, diff.data, actual.width, actual.height, { threshold: 0.1 });
  if (differing <= tolerance * actual.width * actual.height) return undefined;
  const diffFile = file.replace(/\.png$/, '.diff.png');
  await writeFile(diffFile, PNG.sync.write(diff));
  return `${file}: ${differing} pixels differ (see ${diffFile}); if the change is meant, run with UPDATE_SCREENSHOTS=1`;
}
