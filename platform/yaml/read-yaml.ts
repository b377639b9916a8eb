import { isMap, isNode, isScalar, LineCounter, parseDocument, type Document } from 'yaml';

/** A YAML text parsed with positions, for errors that say file:line:column. */
export interface YamlWithPositions {
  doc: Document;
  /** "file:line:column" of a character offset. */
  at: (offset: number) => string;
  /** Offset and printed path (`a.b[1]`) of the deepest node on `path` that exists. */
  locate: (path: readonly PropertyKey[]) => { offset: number; path: string };
  /** Offset of the key that ends `path`, or of its value when the key is not written. */
  keyOffset: (path: readonly PropertyKey[]) => number;
  /** Parse errors as "file:line:column YAML: problem". */
  errors: string[];
}

export function readYaml(text: string, file: string): YamlWithPositions {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  const locate = (path: readonly PropertyKey[]) => {
    const printed = path
      .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
      .join('');
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range !== undefined && node.range !== null)
        return { offset: node.range[0], path: printed };
    }
    return { offset: 0, path: printed };
  };
  const keyOffset = (path: readonly PropertyKey[]) => {
    const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === path.at(-1));
      if (pair !== undefined && isScalar(pair.key) && pair.key.range) return pair.key.range[0];
    }
    return locate(path).offset;
  };
  const errors = doc.errors.map((e) => `${at(e.pos[0])} YAML: ${e.message.split('\n')[0] ?? ''}`);
  return { doc, at, locate, keyOffset, errors };
}
