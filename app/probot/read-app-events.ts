import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';

export const appManifestPath = new URL('../../app.yml', import.meta.url);

/** The webhook events app.yml subscribes the App to. */
export async function readAppEvents(path: URL = appManifestPath): Promise<string[]> {
  const manifest = parse(await readFile(path, 'utf8')) as { default_events?: unknown };
  if (!Array.isArray(manifest.default_events) || !manifest.default_events.every((e) => typeof e === 'string')) {
    throw new TypeError(`${path.pathname}: default_events must be a list of webhook event names`);
  }
  return manifest.default_events;
}
