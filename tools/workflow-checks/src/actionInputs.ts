/**
 * Local action steps (`uses: ./...`) checked against the action.yml they call: every input passed
 * is declared, and every required input without a default is passed.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { StepModel } from './workflowModel';

export interface ActionInputSpec {
  required: boolean;
  hasDefault: boolean;
}

/** The inputs an action.yml declares. */
export function declaredInputs(actionYml: string): Map<string, ActionInputSpec> {
  const doc = (parse(actionYml) ?? {}) as { inputs?: Record<string, Record<string, unknown>> };
  return new Map(
    Object.entries(doc.inputs ?? {}).map(([name, spec]) => [
      name,
      { required: spec?.required === true, hasDefault: spec?.default !== undefined },
    ]),
  );
}

/** The action.yml (or action.yaml) of a local `uses:` path, or undefined when it has none. */
export function localActionFile(repoRoot: string, uses: string): string | undefined {
  const dir = path.join(repoRoot, uses);
  return ['action.yml', 'action.yaml'].map((f) => path.join(dir, f)).find((f) => existsSync(f));
}

/** Problems of one step against its action's declared inputs (none when it is right). */
export function inputProblems(
  step: StepModel,
  inputs: ReadonlyMap<string, ActionInputSpec>,
): string[] {
  const problems: string[] = [];
  const passed = Object.keys(step.with);
  for (const name of passed) {
    if (!inputs.has(name)) {
      problems.push(
        `${step.where} passes ${name}, which ${step.uses} does not declare (declared: ${[...inputs.keys()].join(', ') || 'none'})`,
      );
    }
  }
  for (const [name, spec] of inputs) {
    if (spec.required && !spec.hasDefault && !passed.includes(name)) {
      problems.push(`${step.where} does not pass ${name}, which ${step.uses} requires`);
    }
  }
  return problems;
}

/** Problems of every local action step of a file: missing action.yml, unknown or missing inputs. */
export function localStepProblems(repoRoot: string, steps: readonly StepModel[]): string[] {
  return steps
    .filter((s) => s.uses?.startsWith('./'))
    .flatMap((step) => {
      const uses = step.uses ?? '';
      const file = localActionFile(repoRoot, uses);
      if (!file) return [`${step.where} uses ${uses}, which has no action.yml`];
      return inputProblems(step, declaredInputs(readFileSync(file, 'utf8')));
    });
}
