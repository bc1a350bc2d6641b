/**
 * Proof 1: the linters GitHub users rely on report nothing, and GitHub's own parser accepts every
 * workflow. The real tools run (actionlint with shellcheck, zizmor with the auditor persona).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  convertWorkflowTemplate,
  NoOperationTraceWriter,
  parseWorkflow,
} from '@actions/workflow-parser';
import { repoRoot, workflowFiles } from './paths';

const tool = (name: string) => {
  const file = path.join(repoRoot, '.tools', 'bin', name);
  if (!existsSync(file))
    throw new Error(`${name} is not installed at ${file}. Run: bash scripts/bootstrap.sh`);
  return file;
};
const PATH = `${path.join(repoRoot, '.tools', 'bin')}:/usr/local/bin:/usr/bin:/bin`;
const run = (file: string, args: string[]) =>
  spawnSync(file, args, { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, PATH } });

/** Workflows and the composite actions in .github/actions, relative to the repo root. */
function githubYamlFiles(): string[] {
  const actionsDir = path.join(repoRoot, '.github', 'actions');
  const actions = existsSync(actionsDir)
    ? readdirSync(actionsDir)
        .map((d) => path.join(actionsDir, d, 'action.yml'))
        .filter(existsSync)
    : [];
  return [...workflowFiles(), ...actions, path.join(repoRoot, '.github', 'dependabot.yml')];
}

describe('workflow linters', () => {
  test('there are workflows to check: the pipeline and the pull request checks', () => {
    expect(workflowFiles().map((f) => path.basename(f))).toEqual(
      expect.arrayContaining(['ci.yml', 'pipeline.yml']),
    );
  });

  test('actionlint (with shellcheck on run: blocks) reports nothing', () => {
    // actionlint silently skips shell checks when shellcheck is absent: make that a failure.
    expect(run('/usr/bin/env', ['which', 'shellcheck']).status).toBe(0);
    const result = run(tool('actionlint'), ['-oneline', '-shellcheck', 'shellcheck']);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  // .github/ holds the workflows; the whole repository adds every action.yml and the
  // rehearsal's stand-ins for third-party actions.
  test.each(['.github/', '.'])('zizmor (offline, auditor persona) on %s reports nothing', (dir) => {
    const result = run(tool('zizmor'), [
      '--offline',
      '--persona',
      'auditor',
      '--format',
      'json',
      dir,
    ]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
  });

  test.each(workflowFiles().map((f) => [path.basename(f), f]))(
    "GitHub's workflow parser accepts %s",
    async (_name, file) => {
      const content = readFileSync(file, 'utf8');
      const parsed = parseWorkflow(
        { name: path.basename(file), content },
        new NoOperationTraceWriter(),
      );
      expect(parsed.context.errors.getErrors().map((e) => e.message)).toEqual([]);
      expect(parsed.value).toBeDefined();
      const template = await convertWorkflowTemplate(parsed.context, parsed.value!);
      expect((template.errors ?? []).map((e) => e.Message)).toEqual([]);
    },
  );

  test.each(githubYamlFiles().map((f) => [path.relative(repoRoot, f), f]))(
    'every third-party action in %s is pinned by full commit SHA with its version in a comment',
    (_name, file) => {
      const uses = [...readFileSync(file, 'utf8').matchAll(/^\s*(?:-\s*)?uses:\s*(\S+)(.*)$/gm)]
        .filter((m) => !m[1]!.startsWith('./'))
        .map((m) => `${m[1]}${m[2]}`);
      const unpinned = uses.filter(
        (u) => !/^[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/.test(u),
      );
      expect(unpinned).toEqual([]);
    },
  );
});
