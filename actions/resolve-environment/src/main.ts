import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import { ActionError, setOutputs, writeSummary } from '@pipelines/action-kit';
import {
  ConfigError,
  issueText,
  parseEnvironments,
  resolveRef,
  type EnvironmentsConfig,
} from '@pipelines/environments';
import { getInputs, type Inputs } from './inputs';
import { outputsOf, summaryRows } from './outputs';

export async function run(): Promise<void> {
  const inputs = getInputs();
  const config = readConfig(inputs);
  const resolution = resolveOrAnnotate(() => resolveRef(config, inputs.ref));
  core.info(`${inputs.ref}: ${resolution.matchedBy}`);
  setOutputs(outputsOf(resolution, config));
  await writeSummary(
    'Resolve environment',
    summaryRows(inputs.ref, resolution),
    resolution.approval
      ? 'The deploy waits for a reviewer to approve it in the GitHub environment.'
      : undefined,
  );
}

function readConfig(inputs: Inputs): EnvironmentsConfig {
  let text: string;
  try {
    text = readFileSync(inputs.configPath, 'utf8');
  } catch (error) {
    throw new ActionError(
      `read ${inputs.config}`,
      error,
      'Check out the repository first (actions/checkout) and check the config input',
    );
  }
  // Every image repository needs its build script in the checkout (services/<service>/...).
  const exists = (relative: string) => existsSync(path.join(inputs.workspace, relative));
  return resolveOrAnnotate(() => parseEnvironments(text, inputs.config, { exists }));
}

/** Config problems become annotations on their lines, then fail the step. */
function resolveOrAnnotate<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const issue of error.issues) {
      core.error(issueText(issue), {
        file: issue.file,
        startLine: issue.line,
        startColumn: issue.column,
      });
    }
    throw new Error(
      `${error.file} is not valid: ${error.issues.length} problem(s), listed above. Fix them and run again; nothing was resolved.`,
      { cause: error },
    );
  }
}
