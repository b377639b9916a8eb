/** A `/factory` command in a comment: what an issue comment may ask of the Factory. */
export type FactoryCommand =
  | { command: 'retry' }
  | { command: 'cancel' }
  /** `digest`: what the comment names (undefined when it names nothing); checked against the answers by the caller. */
  | { command: 'approve'; digest: string | undefined };

/**
 * The command a comment gives, if any: a line starting `/factory retry`, `/factory cancel` or
 * `/factory approve <digest>` (the first such line counts). The digest is read in lower
 * case and cut to 64 characters, so a refusal can quote what was asked.
 */
export function parseFactoryCommand(body: string): FactoryCommand | undefined {
  const found = /^\/factory\s+(retry|cancel|approve)\b[ \t]*(\S*)/m.exec(body);
  if (found === null) return undefined;
  const [, command, argument = ''] = found;
  if (command === 'approve')
    return { command, digest: argument === '' ? undefined : argument.slice(0, 64).toLowerCase() };
  return { command: command as 'retry' | 'cancel' };
}
