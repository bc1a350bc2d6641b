/**
 * The parts of the workflows that GitHub reads before any expression runs, so they cannot come
 * from resolve: pipeline.yml's push tag filters and rollback.yml's environment choices. Both are
 * lists generated from environments.yml between `# generated:<name>` and `# /generated:<name>`
 * comment lines; the items take the indentation of the opening comment.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  concreteEnvironments,
  loadEnvironments,
  triggerTagFilters,
  type EnvironmentsConfig,
} from '@pipelines/environments';

/** A YAML list item: plain when that is unambiguous, else single-quoted ('' inside). */
function yamlItem(value: string): string {
  return /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/.test(value) ? value : `'${value.replace(/'/g, "''")}'`;
}

/** The workflow text with the list between the named markers replaced by `items`. */
export function replaceGeneratedList(text: string, name: string, items: readonly string[]): string {
  const lines = text.split('\n');
  const open = lines.findIndex((l) => l.trim().startsWith(`# generated:${name}`));
  const close = lines.findIndex((l) => l.trim() === `# /generated:${name}`);
  if (open < 0 || close < open) {
    throw new Error(
      `Could not generate the ${name} list: the workflow has no "# generated:${name}" ... "# /generated:${name}" comment lines. Put them around the list.`,
    );
  }
  const indent = /^\s*/.exec(lines[open] ?? '')?.[0] ?? '';
  const body = items.map((item) => `${indent}- ${yamlItem(item)}`);
  return [...lines.slice(0, open + 1), ...body, ...lines.slice(close)].join('\n');
}

/** pipeline.yml with its push tag filters taken from environments.yml. */
export function pipelineWithTriggers(text: string, config: EnvironmentsConfig): string {
  return replaceGeneratedList(text, 'push-tags', triggerTagFilters(config));
}

/** rollback.yml with its environment choices: the concrete environments of environments.yml. */
export function rollbackWithChoices(text: string, config: EnvironmentsConfig): string {
  return replaceGeneratedList(
    text,
    'environment-choices',
    concreteEnvironments(config).map((env) => env.name),
  );
}

/** file (relative to the repo root) -> its content as it should be. */
export function generatedWorkflows(repoRoot: string): Map<string, string> {
  const config = loadEnvironments(path.join(repoRoot, 'environments.yml'));
  const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');
  const pipeline = '.github/workflows/pipeline.yml';
  const rollback = '.github/workflows/rollback.yml';
  return new Map([
    [pipeline, pipelineWithTriggers(read(pipeline), config)],
    [rollback, rollbackWithChoices(read(rollback), config)],
  ]);
}
