/**
 * The release-candidate summary, from facts to markdown. Pure. In the order a reviewer reads it:
 * what changes since what the environment runs now (commits, pull requests, compare link), the
 * checks, the sizes, then the hashes the deploy verifies, then how to roll back.
 */
import { couldNot } from '@pipelines/action-kit/errors';
import { shellWord } from '@pipelines/action-kit/shellWord';
import { codeCell } from '@pipelines/action-kit/tableCell';
import type { RunningRecord } from './decide';

export interface CommitFact {
  sha: string;
  /** The first line of the message. */
  title: string;
  /** The GitHub login when GitHub knows the author, else the name in the commit. */
  author: string;
}

export interface PullFact {
  number: number;
  title: string;
  url: string;
}

/** What the environment runs now: a trusted record, none (first deploy), or unreadable. */
export type Running =
  | { kind: 'record'; record: RunningRecord }
  | { kind: 'first' }
  | { kind: 'unreadable'; reason: string };

/** GitHub's comparison of what runs now (base) with this run's commit (head). */
export type Changes =
  | {
      kind: 'compared';
      /** ahead: base is an ancestor of head; diverged / behind: it is not; identical. */
      status: 'ahead' | 'behind' | 'diverged' | 'identical';
      /** Commits on head's side only, oldest first (at most 250: GitHub's limit). */
      commits: CommitFact[];
      /** How many commits head has that base has not (may exceed commits.length). */
      aheadBy: number;
      /** How many commits base has that head has not. */
      behindBy: number;
      /** Merged pull requests per commit sha, for the commits whose pulls were read. */
      pulls: Record<string, PullFact[]>;
      /** Why some pull requests could not be read, if so. */
      pullsProblem?: string;
    }
  | { kind: 'unreadable'; reason: string }
  | { kind: 'none' };

export interface TestCounts {
  passed: number;
  failed: number;
  skipped: number;
}

export interface Checks {
  jest?: TestCounts;
  mocha?: TestCounts;
  /** needs.audit.result: success, failure, cancelled, skipped. */
  audit?: string;
}

/** Sizes in bytes of what this run deploys; undefined when it could not be measured. */
export interface Sizes {
  package?: number;
  image?: number;
}

/** The values the deploy verifies: every one required. */
export interface Hashes {
  commit: string;
  packageSha256: string;
  bucket: string;
  key: string;
  versionId: string;
  functionName: string;
  imageDigest: string;
  imageUri: string;
}

export interface NotesFacts {
  environment: string;
  approval: boolean;
  /** owner/repo */
  repository: string;
  /** https://github.com (GITHUB_SERVER_URL) */
  serverUrl: string;
  /** The ref name this run deploys from (a ref that routes to the environment). */
  ref: string;
  running: Running;
  changes: Changes;
  checks: Checks;
  sizes: Sizes;
  hashes: Hashes;
}

const short = (sha: string) => sha.slice(0, 7);

/** Text from commits and pull requests shown as text: no links, mentions or markup of its own. */
export function plain(value: string): string {
  return value.replace(/[\\`*_[\]<>|#~]/g, (c) => `\\${c}`).replace(/@/g, '@\u200b');
}

/** Bytes for people: 1.2 MB, 340 KB, 512 B (decimal units, as GitHub and AWS show sizes). */
export function formatBytes(value: number): string {
  const abs = Math.abs(value);
  if (abs < 1000) return `${value} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let scaled = value / 1000;
  let unit = 0;
  while (Math.abs(scaled) >= 1000 && unit < units.length - 1) {
    scaled /= 1000;
    unit++;
  }
  return `${scaled.toFixed(Math.abs(scaled) >= 100 ? 0 : 1)} ${units[unit]}`;
}

/** `+12.3 KB (+4.1%)`, `-1 B`, `no change`. */
export function sizeChange(before: number, after: number): string {
  const delta = after - before;
  if (delta === 0) return 'no change';
  const sign = delta > 0 ? '+' : '-';
  const percent = before > 0 ? ` (${sign}${((Math.abs(delta) / before) * 100).toFixed(1)}%)` : '';
  return `${sign}${formatBytes(Math.abs(delta))}${percent}`;
}

export function compareUrl(
  facts: Pick<NotesFacts, 'serverUrl' | 'repository'>,
  base: string,
  head: string,
): string {
  return `${facts.serverUrl}/${facts.repository}/compare/${base}...${head}`;
}

function changesSection(facts: NotesFacts): string[] {
  const { environment, running, changes, hashes } = facts;
  const lines = ['#### What changes', ''];
  if (running.kind === 'first') {
    lines.push(
      `First deploy to ${environment}: it has no deployment record yet, so there is nothing to compare this commit with.`,
    );
    return lines;
  }
  if (running.kind === 'unreadable') {
    lines.push(
      couldNot(
        `read what ${environment} runs now`,
        running.reason,
        `The commits since then are not listed; compare by hand in the environment's deployment history (${facts.serverUrl}/${facts.repository}/deployments).`,
      ),
    );
    return lines;
  }
  const { record } = running;
  const base = record.commit;
  const link = compareUrl(facts, base, hashes.commit);
  const since = record.payload.committedAt ? `, committed ${record.payload.committedAt}` : '';
  lines.push(
    `${environment} runs \`${short(base)}\` now (deployed ${record.createdAt}${since}${record.payload.runId ? `, run ${record.payload.runId}` : ''}). Compare: ${link}`,
    '',
  );
  if (changes.kind === 'unreadable') {
    lines.push(couldNot('list the commits', changes.reason, 'The compare link above lists them.'));
    return lines;
  }
  if (changes.kind === 'none') return lines;
  if (changes.status === 'identical') {
    lines.push(`This commit is what ${environment} runs now: this deploy changes no code.`);
    return lines;
  }
  if (changes.status === 'behind' || changes.status === 'diverged') {
    lines.push(
      `**What ${environment} runs is not an ancestor of this commit** (a force-push or a rollback): ${changes.behindBy} commit(s) it runs are not in this release and are taken out by this deploy.`,
      '',
    );
  }
  if (changes.commits.length === 0) {
    lines.push(`This commit adds no commits of its own to what ${environment} runs.`);
    return lines;
  }
  lines.push(
    `${changes.aheadBy} commit(s) in this release that ${environment} does not run yet, oldest first:`,
    '',
  );
  for (const commit of changes.commits) {
    const pulls = (changes.pulls[commit.sha] ?? [])
      .map((pr) => `[#${pr.number} ${plain(pr.title)}](${pr.url})`)
      .join(', ');
    lines.push(
      `- \`${short(commit.sha)}\` ${plain(commit.title)} (${plain(commit.author)})${pulls ? ` in ${pulls}` : ''}`,
    );
  }
  if (changes.aheadBy > changes.commits.length) {
    lines.push(
      '',
      `Showing the newest ${changes.commits.length} of ${changes.aheadBy} commits (GitHub lists at most 250 here); the compare link has them all.`,
    );
  }
  if (changes.pullsProblem) lines.push('', `Pull requests not shown: ${changes.pullsProblem}.`);
  return lines;
}

function countsText(counts: TestCounts | undefined): string {
  if (!counts) return 'unknown (the job reported no counts)';
  const parts = [`${counts.passed} passed`, `${counts.failed} failed`];
  if (counts.skipped) parts.push(`${counts.skipped} skipped`);
  return parts.join(', ');
}

function checksSection(checks: Checks): string[] {
  return [
    '#### Checks',
    '',
    '| check | result |',
    '|---|---|',
    `| jest | ${countsText(checks.jest)} |`,
    `| mocha | ${countsText(checks.mocha)} |`,
    `| audit | ${checks.audit ?? 'unknown'} |`,
  ];
}

function sizesSection(facts: NotesFacts): string[] {
  const now = facts.running.kind === 'record' ? facts.running.record.payload : undefined;
  const row = (label: string, before: number | undefined, after: number | undefined) => {
    const was =
      before === undefined
        ? facts.running.kind === 'first'
          ? 'none'
          : 'unknown'
        : formatBytes(before);
    const is = after === undefined ? 'unknown' : formatBytes(after);
    const change = before !== undefined && after !== undefined ? sizeChange(before, after) : '';
    return `| ${label} | ${was} | ${is} | ${change} |`;
  };
  return [
    '#### Size',
    '',
    `| | ${facts.environment} now | this release | change |`,
    '|---|---|---|---|',
    row('package', now?.package.size, facts.sizes.package),
    row('image', now?.image.size, facts.sizes.image),
  ];
}

function hashesSection(facts: NotesFacts): string[] {
  const h = facts.hashes;
  const rows: [string, string][] = [
    ['commit', h.commit],
    ['package sha256', h.packageSha256],
    ['S3 object', `s3://${h.bucket}/${h.key}`],
    ['S3 VersionId', h.versionId],
    ['function', h.functionName],
    ['image digest', h.imageDigest],
    ['image', h.imageUri],
  ];
  return [
    '#### What the deploy verifies',
    '',
    '| | |',
    '|---|---|',
    ...rows.map(([label, value]) => `| ${label} | \`${codeCell(value)}\` |`),
    '',
    facts.approval
      ? 'Approve only if these values are what you expect: the deploy uses exactly them and re-checks the sha256.'
      : 'Deploys without a hold.',
  ];
}

/**
 * The rollback.yml dispatch that serves what runs now again: by its published Lambda version
 * when the record has one, else by its package's S3 VersionId (a new version of the same code).
 * Undefined, with what to look up instead, when the record lacks what the command needs.
 */
export function rollbackCommand(
  facts: Pick<NotesFacts, 'environment' | 'ref'>,
  record: RunningRecord,
): { command: string } | { missing: string } {
  const { version } = record.payload.function;
  const { sha256, versionId } = record.payload.package;
  const what = version
    ? ['version', version]
    : versionId
      ? ['s3-version-id', versionId]
      : undefined;
  if (!what || !sha256) {
    const lacks = [
      !what && 'a published version or an S3 VersionId',
      !sha256 && 'the package sha256',
    ]
      .filter(Boolean)
      .join(' and ');
    return { missing: lacks };
  }
  const command = [
    'gh workflow run rollback.yml',
    `--ref ${shellWord(facts.ref)}`,
    `-f environment=${shellWord(facts.environment)}`,
    `-f ${what[0]}=${shellWord(what[1]!)}`,
    `-f expected-sha256=${shellWord(sha256)}`,
  ].join(' ');
  return { command };
}

function rollbackSection(facts: NotesFacts): string[] {
  const lines = ['#### Rollback', ''];
  const { running } = facts;
  if (running.kind === 'first') {
    lines.push(
      `Nothing to roll back to: this is the first recorded deploy to ${facts.environment}.`,
    );
    return lines;
  }
  if (running.kind === 'unreadable') {
    lines.push(
      `What ${facts.environment} runs now could not be read, so no command is given here: take the version and sha256 from the release-candidate summary of the run that deployed it (docs/workflows.md, "Rolling back").`,
    );
    return lines;
  }
  const rollback = rollbackCommand(facts, running.record);
  if ('missing' in rollback) {
    const run = running.record.payload.runId
      ? `${facts.serverUrl}/${facts.repository}/actions/runs/${running.record.payload.runId}`
      : `the run that deployed \`${short(running.record.commit)}\``;
    lines.push(
      `The record of what ${facts.environment} runs now lacks ${rollback.missing}: look them up in the release-candidate summary of ${run}, then run rollback.yml with them (docs/workflows.md, "Rolling back").`,
    );
    return lines;
  }
  lines.push(
    `If this release goes wrong, serve what ${facts.environment} runs now (\`${short(running.record.commit)}\`) again:`,
    '',
    '```sh',
    rollback.command,
    '```',
  );
  return lines;
}

export function releaseNotes(facts: NotesFacts): string {
  const heading = facts.approval
    ? `### Release candidate for ${facts.environment}: waiting for approval`
    : `### Release candidate for ${facts.environment}`;
  return [
    heading,
    '',
    ...changesSection(facts),
    '',
    ...checksSection(facts.checks),
    '',
    ...sizesSection(facts),
    '',
    ...hashesSection(facts),
    '',
    ...rollbackSection(facts),
    '',
  ].join('\n');
}
