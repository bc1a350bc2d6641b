import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  checkLinks,
  checkShellBlocks,
  commandsOf,
  replaceGenerated,
  shellBlocks,
} from './markdown';

describe('shellBlocks', () => {
  it('finds shell blocks with the marker on the line before, and ignores other languages', () => {
    const md = [
      '<!-- needs: aws -->',
      '```sh',
      'cdk deploy',
      '```',
      '',
      '```yaml',
      'a: b',
      '```',
      '```bash',
      'ls',
      '```',
    ].join('\n');
    expect(shellBlocks(md)).toEqual([
      { line: 2, marker: 'needs: aws', commands: ['cdk deploy'] },
      { line: 9, marker: undefined, commands: ['ls'] },
    ]);
  });

  it('drops prompts and comments and joins continuation lines', () => {
    expect(commandsOf(['# a comment', '$ aws s3 cp \\', '   a b  # copy', ''])).toEqual([
      'aws s3 cp a b',
    ]);
  });
});

describe('checkShellBlocks', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'docs-'));
  writeFileSync(path.join(root, 'the.test.ts'), "run('bash scripts/rehearse.sh --keep')");

  it('accepts a block run verbatim by the named test, and one marked as needing AWS', () => {
    const md = [
      '<!-- tested-by: the.test.ts -->',
      '```sh',
      'bash scripts/rehearse.sh --keep',
      '```',
      '<!-- needs: github -->',
      '```sh',
      'gh x',
      '```',
    ].join('\n');
    expect(checkShellBlocks('docs/a.md', md, root)).toEqual([]);
  });

  it('reports an unmarked block, a command the test does not run, a missing test file and an unknown need', () => {
    const md = [
      '```sh',
      'rm -rf /',
      '```',
      '<!-- tested-by: the.test.ts -->',
      '```sh',
      'bash scripts/rehearse.sh --approve',
      '```',
      '<!-- tested-by: gone.test.ts -->',
      '```sh',
      'x',
      '```',
      '<!-- needs: luck -->',
      '```sh',
      'y',
      '```',
    ].join('\n');
    const problems = checkShellBlocks('docs/a.md', md, root);
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^docs\/a\.md:1: shell block without a marker/);
    expect(problems[1]).toContain('"bash scripts/rehearse.sh --approve" is not run by the.test.ts');
    expect(problems[2]).toContain('gone.test.ts, which does not exist');
    expect(problems[3]).toContain('unknown need "luck"');
  });
});

describe('checkLinks', () => {
  it('reports relative links to missing files, not web links, anchors or links inside code', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'docs-'));
    writeFileSync(path.join(root, 'here.md'), '');
    const md = [
      '[ok](here.md#part) [web](https://example.com) [anchor](#x)',
      '[missing](gone.md)',
      '```',
      '[in code](nope.md)',
      '```',
    ].join('\n');
    expect(checkLinks('page.md', md, root)).toEqual([
      'page.md:2: link to gone.md does not resolve',
    ]);
  });
});

describe('replaceGenerated', () => {
  it('replaces only the body between the markers', () => {
    const md = 'intro\n<!-- generated:table -->\nold\n<!-- /generated:table -->\nouter';
    expect(replaceGenerated(md, 'table', 'new')).toBe(
      'intro\n<!-- generated:table -->\nnew\n<!-- /generated:table -->\nouter',
    );
  });
});
