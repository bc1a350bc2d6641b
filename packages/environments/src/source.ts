/**
 * environments.yml as YAML: parsed with `yaml` keeping node ranges, so every later check can
 * point at the line of the key or value it is about.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { ConfigError, type ConfigIssue } from './errors';

export type PathSegment = string | number;

export interface Source {
  file: string;
  /** The document as plain data, for the schema. */
  data: unknown;
  /** Issue at the node a path names; `key` points at the map key rather than its value. */
  issueAt(path: readonly PathSegment[], problem: string, fix: string, key?: boolean): ConfigIssue;
}

const syntaxFixes: Partial<Record<string, string>> = {
  DUPLICATE_KEY: 'Each key may appear once in a map: merge the two entries into one',
  TAB_AS_INDENT: 'Indent with spaces, not tabs',
  BAD_INDENT: 'Align this line with its siblings (indent with spaces)',
  MULTIPLE_DOCS: 'Keep one YAML document in the file (remove the extra ---)',
};

export function parseSource(text: string, file: string): Source {
  const lines = new LineCounter();
  // uniqueKeys: a repeated key is an error (YAML would otherwise keep the last one silently).
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number) => {
    const { line, col } = lines.linePos(Math.max(0, Math.min(offset, text.length)));
    return { line, column: col };
  };

  // Only the first syntax error: the ones after it are mostly the parser losing its footing.
  const error = doc.errors[0];
  if (error) {
    throw new ConfigError(file, [
      {
        file,
        ...position(error.pos[0]),
        path: '',
        problem: `is not valid YAML (${error.code}): ${error.message.split('\n')[0] ?? ''}`,
        fix: syntaxFixes[error.code] ?? 'Fix the YAML syntax here (check indentation and quoting)',
      },
    ]);
  }

  return {
    file,
    // maxAliasCount bounds alias expansion (no "billion laughs" from a hostile file).
    data: doc.toJS({ maxAliasCount: 100 }),
    issueAt(path, problem, fix, key = false) {
      return { file, ...position(offsetOf(doc, path, key)), path: path.join('.'), problem, fix };
    },
  };
}

/** The start offset of the deepest node on the path that exists (the document start if none). */
function offsetOf(doc: Document.Parsed, path: readonly PathSegment[], key: boolean): number {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && (isScalar(p.key) ? p.key.value : p.key) === segment,
      );
      if (!pair) break;
      const keyStart = rangeStart(pair.key);
      const valueStart = rangeStart(pair.value);
      if (last && key) return keyStart ?? offset;
      offset = valueStart ?? keyStart ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (item === undefined) break;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  if (typeof node === 'object' && node !== null && 'range' in node) {
    const range = (node as { range?: unknown }).range;
    if (Array.isArray(range) && typeof range[0] === 'number') return range[0];
  }
  return undefined;
}
