/**
 * Every action's README documents exactly the inputs and outputs its action.yml declares: a README
 * table copied by hand drifts (an input added to action.yml and never documented, or one removed
 * and still described).
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const actions = readdirSync(path.join(repoRoot, 'actions')).filter((name) =>
  existsSync(path.join(repoRoot, 'actions', name, 'action.yml')),
);

/** The names in the first column (`name`) of the table under a `## <title>` heading. */
export function tableNames(readme: string, title: string): string[] | undefined {
  const parts = readme.split(new RegExp(`^## ${title}\\s*$`, 'm'));
  if (parts.length < 2) return undefined;
  const section = parts[1]!.split(/^## /m)[0] ?? '';
  return [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!);
}

describe('tableNames', () => {
  it('reads the first column of the table under a heading, and nothing after the next heading', () => {
    const readme =
      '# x\n## Inputs\n\n| input | what |\n|---|---|\n| `a` | A |\n| `b` | B |\n## Outputs\n| `c` | C |\n';
    expect(tableNames(readme, 'Inputs')).toEqual(['a', 'b']);
    expect(tableNames(readme, 'Outputs')).toEqual(['c']);
    expect(tableNames(readme, 'Example')).toBeUndefined();
  });
});

describe.each(actions)('actions/%s/README.md', (name) => {
  const dir = path.join(repoRoot, 'actions', name);
  const action = parse(readFileSync(path.join(dir, 'action.yml'), 'utf8')) as {
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
  };
  const readme = readFileSync(path.join(dir, 'README.md'), 'utf8');

  it.each([
    ['Inputs', action.inputs],
    ['Outputs', action.outputs],
  ] as const)('its %s table lists exactly those of action.yml', (title, declared) => {
    expect((tableNames(readme, title) ?? []).sort()).toEqual(Object.keys(declared ?? {}).sort());
  });
});
