import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnvironments } from './load';
import { renderRoutingTable } from './render';

const file = path.resolve(__dirname, '../../../environments.yml');

describe('renderRoutingTable', () => {
  it('renders the repository file as the routing table of docs/environments.md, one row per rule', () => {
    const config = parseEnvironments(readFileSync(file, 'utf8'), 'environments.yml');
    expect(renderRoutingTable(config).split('\n')).toEqual([
      '| ref | environment | tier | build | deploy | approval |',
      '| --- | --- | --- | --- | --- | --- |',
      '| branch `integration` | `mint` | lower | yes | yes | no |',
      '| tag `mint` | `mint` | lower | yes | yes | no |',
      '| tag `amy` | `amy` | lower | yes | yes | no |',
      '| tag `pat` | `pat` | lower | yes | yes | no |',
      '| tag `qa` | `qa` | lower | yes | yes | no |',
      '| tags matching `^int-(?<name>[A-Za-z0-9_]+)$` | `int-{name}` | lower | yes | yes | no |',
      '| branch `staging` | `staging` | upper | yes | yes | no |',
      '| tag `staging` | `staging` | upper | yes | yes | no |',
      '| branch `master` | `prod` | upper | yes | yes | **yes** |',
      '| tag `production` | `prod` | upper | yes | yes | **yes** |',
      '| tags matching `^RELEASE-\\d+$` | `prod` | upper | yes | yes | **yes** |',
      '| branches matching `^[Ff]eature-[A-Za-z0-9_]+-\\d+[-A-Za-z0-9_]*$`, `^snyk-fix-.*$` | none | lower | yes | no | no |',
      '| any other ref | none | lower | no | no | no |',
      '',
    ]);
  });

  it('escapes pipes so a pattern cannot break the table', () => {
    const text = readFileSync(file, 'utf8').replace(
      "'^snyk-fix-.*$'",
      () => "'^(?:snyk|deps)-fix-.*$'",
    );
    const table = renderRoutingTable(parseEnvironments(text, 'environments.yml'));
    expect(table).toContain('`^(?:snyk\\|deps)-fix-.*$`');
    for (const line of table.trim().split('\n')) {
      expect(line.replace(/\\\|/g, '').split('|')).toHaveLength(8);
    }
  });
});
