/** The README's tables are checked against action.yml and the generated routing table. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { parseEnvironments, renderRoutingTable } from '@pipelines/environments';
import { repoRoot } from '@pipelines/testkit';

const dir = path.join(repoRoot, 'actions/resolve-environment');
const readme = readFileSync(path.join(dir, 'README.md'), 'utf8');

describe('README', () => {
  it('lists exactly the inputs and outputs of action.yml', () => {
    const action = parse(readFileSync(path.join(dir, 'action.yml'), 'utf8')) as {
      inputs: Record<string, unknown>;
      outputs: Record<string, unknown>;
    };
    const section = (title: string) =>
      [
        ...(readme.split(`## ${title}`)[1]?.split('\n## ')[0] ?? '').matchAll(/^\| `([^`]+)` \|/gm),
      ].map((m) => m[1]);
    expect(section('Inputs')).toEqual(Object.keys(action.inputs));
    expect(section('Outputs')).toEqual(Object.keys(action.outputs));
  });

  it('shows the routing table as environments.yml renders it today', () => {
    const config = parseEnvironments(
      readFileSync(path.join(repoRoot, 'environments.yml'), 'utf8'),
      'environments.yml',
    );
    expect(readme).toContain(renderRoutingTable(config));
  });
});
