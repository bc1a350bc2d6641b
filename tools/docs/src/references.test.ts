import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isRepositoryReference, missingReferences, referencesIn, resolves } from './references';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const topLevel = new Set(['actions', 'docs', 'tools', '.github']);

describe('what counts as a reference into the repository', () => {
  it.each([
    ['DESIGN.md', true],
    ['docs/runbook.md', true],
    ['actions/s3-upload/src/decide.ts', true],
    ['./tools/rehearse/stand-ins/README.md', true],
    ['manifest.json', false], // a file made at run time
    ['src/index.ts', false], // relative to a folder the prose names, not to the root
    ['node_modules/jest/bin/jest.js', false],
    ['actions/*/action.yml', false], // a glob
    ['.ts', false],
  ])('%s: %s', (name, expected) => {
    expect(isRepositoryReference(name, topLevel)).toBe(expected);
  });

  it('finds file names in prose and code with their lines, and skips URLs', () => {
    const text = [
      '// see DESIGN.md for why',
      'More in [the runbook](docs/runbook.md).',
      'https://github.com/aws/containers-roadmap/blob/main/README.md',
    ].join('\n');
    expect(referencesIn('x.ts', text, topLevel)).toEqual([
      { file: 'x.ts', line: 1, name: 'DESIGN.md' },
      { file: 'x.ts', line: 2, name: 'docs/runbook.md' },
    ]);
  });
});

describe('which references resolve', () => {
  const files = new Set(['docs/runbook.md', 'docs/design.md', 'actions/s3-upload/src/decide.ts']);

  it.each([
    ['relative to the referring file', { file: 'docs/design.md', name: 'runbook.md' }, true],
    ['relative to the root', { file: 'README.md', name: 'docs/runbook.md' }, true],
    ['a bare name found anywhere', { file: 'actions/x/README.md', name: 'design.md' }, true],
    [
      'a file outside the repository',
      { file: 'docs/design.md', name: '../../shared/DESIGN.md' },
      false,
    ],
    ['a file that was never written', { file: 'tools/a.ts', name: 'DESIGN.md' }, false],
    ['a moved module', { file: 'README.md', name: 'actions/s3-upload/src/plan.ts' }, false],
  ])('%s', (_, reference, expected) => {
    expect(resolves({ ...reference, line: 1 }, files)).toBe(expected);
  });

  it('says where the dead reference is and what to do', () => {
    const texts = new Map([['tools/a.ts', 'x\n// see DESIGN.md']]);
    expect(missingReferences(texts, new Set(['tools/a.ts']))).toEqual([
      'tools/a.ts:2: names DESIGN.md, which is not in the repository. Point at a file that exists, or write what it said here.',
    ]);
  });
});

describe('the repository stands alone', () => {
  // The docs checker's own tests name files that do not exist on purpose (they are its fixtures).
  const fixtures = new Set([
    'tools/docs/src/markdown.test.ts',
    'tools/docs/src/references.test.ts',
  ]);

  it('names no file that is not in it (comments, docs, scripts, workflows)', () => {
    const tracked = execFileSync(
      'git',
      ['ls-files', '--cached', '--others', '--exclude-standard'],
      {
        cwd: repoRoot,
        encoding: 'utf8',
      },
    )
      .split('\n')
      .filter(Boolean);
    const texts = new Map<string, string>();
    for (const file of tracked) {
      if (fixtures.has(file) || /(^|\/)dist\/|pnpm-lock\.yaml$|\.(png|zip|gz|tgz)$/.test(file))
        continue;
      // An untracked link to a folder (a worktree's shared tool folder) is not a text to read.
      if (!statSync(path.join(repoRoot, file)).isFile()) continue;
      texts.set(file, readFileSync(path.join(repoRoot, file), 'utf8'));
    }
    expect(missingReferences(texts, new Set(tracked))).toEqual([]);
  });
});
