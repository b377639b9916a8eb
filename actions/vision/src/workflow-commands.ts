import type { Finding } from '../../../agents/wowvision/src/index.ts';

/** GitHub shows at most this many error and this many warning annotations per step. */
export const perStepLimit = 10;

const command = { error: 'error', warning: 'warning', notice: 'notice' } as const;

// Escaping as the runner parses workflow commands (actions/toolkit's command.ts).
const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** `::error file=…,line=…::message` for one finding. */
export function annotationCommand(f: Finding): string {
  const props = [`file=${f.path}`, `line=${f.line}`, `col=${f.column}`];
  if (f.endLine !== undefined) props.push(`endLine=${f.endLine}`);
  if (f.endColumn !== undefined && (f.endLine ?? f.line) === f.line) props.push(`endColumn=${f.endColumn}`);
  props.push(`title=${f.rule}`);
  const text = f.fix === undefined ? f.message : `${f.message}\nFix: ${f.fix}`;
  return `::${command[f.severity]} ${props
    .map((p) => {
      const at = p.indexOf('=');
      return `${p.slice(0, at)}=${escapeProperty(p.slice(at + 1))}`;
    })
    .join(',')}::${escapeData(text)}`;
}

/** The commands GitHub will show (per-step limits), and how many findings they leave out. */
export function annotationCommands(findings: readonly Finding[]): { lines: string[]; left: number } {
  const shown = new Map<Finding['severity'], number>();
  const lines: string[] = [];
  for (const f of findings) {
    const n = shown.get(f.severity) ?? 0;
    if (n >= perStepLimit) continue;
    shown.set(f.severity, n + 1);
    lines.push(annotationCommand(f));
  }
  return { lines, left: findings.length - lines.length };
}

export function plainCommand(level: 'error' | 'warning' | 'notice', message: string, title?: string): string {
  return `::${level}${title === undefined ? '' : ` title=${escapeProperty(title)}`}::${escapeData(message)}`;
}
