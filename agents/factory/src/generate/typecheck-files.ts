import { resolve, sep } from 'node:path';
import ts from 'typescript';

export interface TypeProblem {
  path: string;
  line: number;
  column: number;
  message: string;
}

/**
 * Type errors in `files` (repository paths → text) as if they were written into the
 * checkout at `root`, judged by its tsconfig.json: generated code is checked before
 * anything is written or pushed. The files stay in memory; only their own errors count.
 */
export function typecheckFiles(root: string, files: ReadonlyMap<string, string>): TypeProblem[] {
  const overlay = new Map(
    [...files].filter(([path]) => /\.(m|c)?tsx?$/.test(path)).map(([path, text]) => [resolve(root, path), text]),
  );
  if (overlay.size === 0) return [];
  const configFile = ts.findConfigFile(root, (p) => ts.sys.fileExists(p), 'tsconfig.json');
  const config = configFile === undefined ? undefined : ts.readConfigFile(configFile, (p) => ts.sys.readFile(p));
  const options = {
    ...ts.parseJsonConfigFileContent(
      config?.config ?? { compilerOptions: { strict: true, module: 'nodenext' } },
      ts.sys,
      root,
    ).options,
    noEmit: true,
  };
  const host = ts.createCompilerHost(options);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.fileExists = (p) => overlay.has(resolve(p)) || fileExists(p);
  host.readFile = (p) => overlay.get(resolve(p)) ?? readFile(p);
  const program = ts.createProgram({ rootNames: [...overlay.keys()], options, host });
  const problems: TypeProblem[] = [];
  for (const path of overlay.keys()) {
    const sf = program.getSourceFile(path);
    if (sf === undefined) continue;
    for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) {
      const { line, character } = sf.getLineAndCharacterOfPosition(d.start ?? 0);
      problems.push({
        path: path
          .slice(resolve(root).length + 1)
          .split(sep)
          .join('/'),
        line: line + 1,
        column: character + 1,
        message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
      });
    }
  }
  return problems;
}
