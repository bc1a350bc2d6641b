/**
 * Proof 2: every step that uses an action of this repository (`./actions/<name>`,
 * `./.github/actions/<name>`) passes only inputs its action.yml declares, and every required
 * input. A local action whose action.yml does not exist yet fails here; it is never skipped.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { localStepProblems } from './actionInputs';
import { repoRoot, workflowFiles } from './paths';
import { compositeSteps, readWorkflow, type StepModel } from './workflowModel';

function localSteps(): [string, StepModel][] {
  const fromWorkflows = workflowFiles().flatMap((file) =>
    readWorkflow(file).jobs.flatMap((job) =>
      job.steps.map((s): [string, StepModel] => [path.relative(repoRoot, file), s]),
    ),
  );
  const actionsDir = path.join(repoRoot, '.github', 'actions');
  const fromComposites = readdirSync(actionsDir)
    .map((d) => path.join(actionsDir, d, 'action.yml'))
    .filter(existsSync)
    .flatMap((file) =>
      compositeSteps(readFileSync(file, 'utf8')).map((s): [string, StepModel] => [
        path.relative(repoRoot, file),
        s,
      ]),
    );
  return [...fromWorkflows, ...fromComposites].filter(([, s]) => s.uses?.startsWith('./'));
}

describe('local action steps', () => {
  const steps = localSteps();

  test('the pipeline composes the actions of this repository', () => {
    const used = new Set(steps.map(([, s]) => s.uses));
    for (const name of [
      'resolve-environment',
      'cache-dependencies',
      's3-upload',
      'lambda-deploy',
      'ecr-push',
      'environment-guard',
    ]) {
      expect(used).toContain(`./actions/${name}`);
    }
    expect(used).toContain('./.github/actions/setup');
  });

  test.each(steps.map(([file, s]) => [`${file} ${s.where} (${s.uses})`, s]))(
    '%s passes only declared inputs and every required one',
    (_name, step) => {
      expect(localStepProblems(repoRoot, [step])).toEqual([]);
    },
  );
});
