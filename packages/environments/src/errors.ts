/**
 * What goes wrong with environments.yml or a ref, said the way a person fixes it: the file, the
 * line, the problem and the fix (`environments.yml:52:11: ... . Use ...`).
 */

export interface ConfigIssue {
  file: string;
  /** 1-based line and column in the file. */
  line: number;
  column: number;
  /** Where in the document, dotted (`environments.prod.tier`); '' for the whole file. */
  path: string;
  problem: string;
  fix: string;
}

export function issueText(issue: ConfigIssue): string {
  const where = issue.path === '' ? '' : `${issue.path}: `;
  return `${issue.file}:${issue.line}:${issue.column}: ${where}${issue.problem}. ${issue.fix}`;
}

/** environments.yml is malformed or contradictory. Carries every problem found, in file order. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly issues: readonly ConfigIssue[];
  constructor(
    readonly file: string,
    issues: readonly ConfigIssue[],
  ) {
    const sorted = [...issues].sort((a, b) => a.line - b.line || a.column - b.column);
    super(
      sorted.length === 1
        ? issueText(sorted[0] as ConfigIssue)
        : `${file} has ${sorted.length} problems:\n${sorted.map(issueText).join('\n')}`,
    );
    this.issues = sorted;
  }

  /** The line of the first problem. */
  get line(): number {
    return this.issues[0]?.line ?? 1;
  }
}

/** A ref that matched a deploy rule but cannot be deployed as it is (its names would be invalid). */
export class RefError extends Error {
  override readonly name = 'RefError';
  constructor(
    readonly ref: string,
    problem: string,
    fix: string,
  ) {
    super(`Ref ${showRef(ref)} ${problem}. ${fix}`);
  }
}

/** A ref for messages: quoted and escaped (newlines, quotes stay visible), and shortened. */
export function showRef(ref: string, max = 120): string {
  const shown = ref.length > max ? `${ref.slice(0, max)}…` : ref;
  return JSON.stringify(shown);
}
