import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { parseEnvironments, triggerTagFilters } from '@pipelines/environments';
import { pipelineWithTriggers, replaceGeneratedList, rollbackWithChoices } from './workflows';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');
const environments = read('environments.yml');

/** environments.yml as a fork might edit it: a new approval environment with its own tags. */
const edited = parseEnvironments(
  environments.replace(
    '  prod:\n',
    // A function: the replacement holds $' which a replacement string would expand.
    () =>
      "  preprod:\n    tier: upper\n    approval: true\n    tags: [preprod, 'rc+1']\n    tag-patterns: ['^RC-\\d+\\.\\d+$', '^hotfix/.*$']\n  prod:\n",
  ),
  'environments.yml',
);

describe('generated workflow lists', () => {
  // That the committed workflows are what environments.yml generates: docs.test.ts ("is up to date").
  test("pipeline.yml's push tags follow environments.yml's tags and patterns, as GitHub filters", () => {
    const text = pipelineWithTriggers(read('.github/workflows/pipeline.yml'), edited);
    const on = (parse(text) as { on: { push: { tags: string[]; branches: string[] } } }).on;
    expect(on.push.tags).toEqual(triggerTagFilters(edited));
    // The new environment's tags, exact ones escaped and patterns as globs, before prod's.
    expect(on.push.tags.slice(6, 10)).toEqual(['preprod', 'rc\\+1', 'RC-*.*', 'hotfix/**']);
    expect(on.push.branches).toEqual(['**']);
  });

  test("rollback.yml's choices are the concrete environments, a new one included", () => {
    const text = rollbackWithChoices(read('.github/workflows/rollback.yml'), edited);
    const inputs = (
      parse(text) as {
        on: { workflow_dispatch: { inputs: { environment: { options: string[] } } } };
      }
    ).on.workflow_dispatch.inputs;
    expect(inputs.environment.options).toEqual([
      'mint',
      'amy',
      'pat',
      'qa',
      'staging',
      'preprod',
      'prod',
    ]);
  });

  test('a workflow without the markers fails with the fix', () => {
    expect(() => replaceGeneratedList('on: push\n', 'push-tags', ['a'])).toThrow(
      /no "# generated:push-tags" \.\.\. "# \/generated:push-tags" comment lines\. Put them around the list/,
    );
  });
});
