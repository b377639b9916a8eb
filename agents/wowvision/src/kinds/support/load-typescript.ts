// The kinds that read syntax trees (typescript, naming's exports, manifest's emitted events)
// load ts-morph, and the TypeScript compiler under it, only when a rule of theirs runs: a
// review with graph rules alone (dependency, cycle) never pays for loading the compiler.
let loading: Promise<typeof import('./typescript-source.ts')> | undefined;

/** ts-morph's view of files, loaded on first use. */
export const typescriptSource = (): Promise<typeof import('./typescript-source.ts')> =>
  (loading ??= import('./typescript-source.ts'));

/** Frees the syntax trees a review parsed, if it parsed any. */
export async function forgetSources(): Promise<void> {
  if (loading !== undefined) (await loading).forgetSources();
}
