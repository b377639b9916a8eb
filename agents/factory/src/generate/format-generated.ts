import { format, resolveConfig } from 'prettier';

// The platform's own Prettier settings (.prettierrc.json at its root): generated agents
// are formatted as the rest of the platform is, so `npm run lint` passes on them and a
// regen compares like with like.
const platformFile = new URL('../../../../package.json', import.meta.url);
let settings: ReturnType<typeof resolveConfig> | undefined;

/** Kinds of file Prettier formats here; Markdown is left as written (.prettierignore says why), SQL has no parser. */
const formatted = /\.(ts|js|json|ya?ml)$/;

/**
 * `text` as Prettier writes it for `path`. Generated files go through it before they are
 * gated, diffed, merged or written, so what the Factory renders is what lint accepts.
 */
export async function formatGenerated(path: string, text: string): Promise<string> {
  if (!formatted.test(path)) return text;
  const options = await (settings ??= resolveConfig(platformFile));
  return format(text, { ...options, filepath: path });
}

/** Every file of `files` formatted, in place. */
export async function formatGeneratedFiles(files: Map<string, string>): Promise<Map<string, string>> {
  for (const [path, text] of files) files.set(path, await formatGenerated(path, text));
  return files;
}
