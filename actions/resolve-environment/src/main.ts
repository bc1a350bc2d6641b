import * as core from '@actions/core';
import { setOutputs, writeSummary } from '@pipelines/action-kit';
import { ConfigError, issueText } from '@pipelines/environments';
import { parseConfig, resolveRef } from './decide';
import { existsInCheckout, readConfigText } from './effects';
import { getInputs } from './inputs';
import { outputsOf, summaryRows } from './summary';

export async function run(): Promise<void> {
  const inputs = getInputs();
  const text = readConfigText(inputs);
  // Every image repository needs its build script in the checkout (services/<service>/...).
  const exists = existsInCheckout(inputs);
  const config = resolveOrAnnotate(() => parseConfig(text, inputs.config, { exists }));
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
