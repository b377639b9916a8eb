import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A checkout laid out like the platform's: platform/, domains/ and node_modules are links
 * to this repository's, and package.json maps "#platform" as ours does, so agents written
 * here import the real platform.
 */
export async function makeCheckout(dir: string): Promise<void> {
  await mkdir(join(dir, 'agents'), { recursive: true });
  for (const linked of ['platform', 'domains', 'node_modules']) await symlink(join(root, linked), join(dir, linked));
  const { imports } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { imports: unknown };
  await writeFile(join(dir, 'package.json'), JSON.stringify({ type: 'module', imports }, null, 2) + '\n');
}

export async function writeAgent(dir: string, id: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, 'agents', id, path, '..'), { recursive: true });
    await writeFile(join(dir, 'agents', id, path), text);
  }
}

/** The files of "greeter", an agent that answers which version it is, after `ms`, and counts its starts. */
export function greeterFiles(version: string, semver: string): Record<string, string> {
  return {
    'agent.yml': `id: greeter\nname: Greeter\nversion: ${semver}\ndescription: Says which version answers.\nwakesOn:\n  - test.greet.requested\n`,
    'src/index.ts': `import { defineAgent } from '#platform';

let starts = 0;
export default defineAgent({
  setup() {
    starts++;
  },
  on: {
    'test.greet.requested': {
      async handle(_ctx, data) {
        const { ms = 0 } = (data ?? {}) as { ms?: number };
        await new Promise((resolve) => setTimeout(resolve, ms));
        return { version: '${version}', starts };
      },
    },
  },
});
`,
  };
}
