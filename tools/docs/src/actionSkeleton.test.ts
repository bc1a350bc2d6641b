/**
 * Every action has the same skeleton, so that a reader who knows one knows where to look in any:
 * index.ts (the entry), inputs.ts (the schema), main.ts (the order of things), decide.ts (pure
 * decisions), effects.ts (the I/O) and summary.ts (the job summary and outputs). An action that
 * needs more keeps further modules, imported by these. The check of decide.ts is by its imports:
 * a pure module imports nothing that reaches AWS, GitHub, the file system or a process.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const actions = readdirSync(path.join(repoRoot, 'actions')).filter((name) =>
  existsSync(path.join(repoRoot, 'actions', name, 'action.yml')),
);

export const SKELETON = [
  'index.ts',
  'inputs.ts',
  'main.ts',
  'decide.ts',
  'effects.ts',
  'summary.ts',
] as const;

/** What a module doing I/O imports or calls; none of it belongs in decide.ts. */
const IO = [
  { what: 'the AWS SDK', pattern: /'@aws-sdk\// },
  { what: 'the GitHub client', pattern: /'(@actions\/github|@pipelines\/action-kit\/github)'/ },
  { what: 'the file system', pattern: /'(node:)?fs(\/promises)?'/ },
  { what: 'child processes', pattern: /'(node:)?child_process'/ },
  { what: 'the network', pattern: /\bfetch\(|'(node:)?https?'/ },
];

/** The kinds of I/O a module's source reaches for (empty for a pure module). */
export function ioIn(source: string): string[] {
  return IO.filter(({ pattern }) => pattern.test(source)).map(({ what }) => what);
}

describe('ioIn', () => {
  it.each([
    ["import { S3Client } from '@aws-sdk/client-s3';", ['the AWS SDK']],
    ["import { readFile } from 'node:fs/promises';", ['the file system']],
    ["const fs = require('fs');", ['the file system']],
    ["import { execFileSync } from 'node:child_process';", ['child processes']],
    ["import { context } from '@actions/github';", ['the GitHub client']],
    ['const answer = await fetch(url);', ['the network']],
    ["import { checksumProves } from '@pipelines/action-kit/checksum';", []],
  ])('%s -> %j', (source, found) => {
    expect(ioIn(source)).toEqual(found);
  });
});

describe.each(actions)('actions/%s', (name) => {
  const src = path.join(repoRoot, 'actions', name, 'src');

  it('has the six skeleton files in src/', () => {
    expect(SKELETON.filter((file) => !existsSync(path.join(src, file)))).toEqual([]);
  });

  it('decides in decide.ts without I/O', () => {
    expect(ioIn(readFileSync(path.join(src, 'decide.ts'), 'utf8'))).toEqual([]);
  });
});
