/**
 * The docs check: generated pages are fresh, every shell command in docs/ and the README is run
 * by a test or marked as needing real AWS/GitHub/Docker, and every relative link resolves.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { generatedDocs } from './generate';
import { checkLinks, checkShellBlocks } from './markdown';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const pages = [
  'README.md',
  ...readdirSync(path.join(repoRoot, 'docs'), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

describe('docs', () => {
  it.each([...generatedDocs(repoRoot)])(
    '%s is up to date with the code it is generated from (run pnpm docs:generate)',
    (file, expected) => {
      expect(readFileSync(path.join(repoRoot, file), 'utf8')).toBe(expected);
    },
  );

  it.each(pages)(
    'every shell command in %s is run by a test or marked as needing real AWS, GitHub or Docker',
    (page) => {
      expect(
        checkShellBlocks(page, readFileSync(path.join(repoRoot, page), 'utf8'), repoRoot),
      ).toEqual([]);
    },
  );

  it.each(pages)('every relative link in %s resolves', (page) => {
    expect(checkLinks(page, readFileSync(path.join(repoRoot, page), 'utf8'), repoRoot)).toEqual([]);
  });
});
