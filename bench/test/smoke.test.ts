/**
 * The documented benchmark command works end to end: `--quick` runs every suite against freshly
 * started local servers (tiny sizes, one run each) and writes a page where every section has
 * rows. Its figures mean nothing and are never asserted (speed belongs in the benchmark itself).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '@pipelines/testkit';
import { suites } from '../src/suites';

jest.setTimeout(300_000);

/** Section title -> its table's data rows. */
function tables(markdown: string): Map<string, string[]> {
  const result = new Map<string, string[]>();
  let current: string | undefined;
  for (const line of markdown.split('\n')) {
    const heading = /^## (.+)$/.exec(line);
    if (heading) {
      current = heading[1]!;
      result.set(current, []);
    } else if (current && line.startsWith('| ') && !line.startsWith('| case ')) {
      result.get(current)!.push(line);
    }
  }
  return result;
}

describe('bash scripts/bench.sh --quick', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs every suite and writes a page where every section has rows and the command that made it', () => {
    const out = path.join(dir, 'benchmarks.md');
    execFileSync('bash', ['-c', `bash scripts/bench.sh --quick --out ${out}`], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const page = readFileSync(out, 'utf8');
    const sections = tables(page);
    expect(sections.size).toBe(suites.length);
    for (const [title, rows] of sections) {
      expect({ title, rows: rows.length > 0 }).toEqual({ title, rows: true });
      for (const row of rows) expect(row.split('|').length).toBe(7);
    }
    expect(page).toContain('bash scripts/bench.sh --quick');
  });
});
