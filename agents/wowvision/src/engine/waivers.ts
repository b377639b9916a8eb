const waiver = /wowvision-disable-next-line\s+([\w/,\s-]+?)(?:\s+--\s*(.*?))?\s*(?:\*\/|-->)?\s*$/;

export interface Waiver {
  rules: string[];
  /** Undefined when the author gave none: such a waiver waives nothing. */
  reason: string | undefined;
}

/**
 * `// wowvision-disable-next-line <rule>[, <rule>] -- <reason>` on the line before a
 * finding (`#` and block comments work too). The reason is required: it is what a
 * reviewer reads in the summary.
 */
export function waiverAbove(lines: readonly string[], line: number): Waiver | undefined {
  const above = lines[line - 2];
  if (above === undefined) return undefined;
  const m = waiver.exec(above);
  if (m === null) return undefined;
  const reason = m[2]?.trim();
  return { rules: (m[1] ?? '').split(/[\s,]+/).filter(Boolean), reason: reason === '' ? undefined : reason };
}
