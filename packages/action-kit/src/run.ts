/**
 * The one wrapper every action's entry point uses: runs main, and turns anything thrown (not
 * only Errors) into a failed step with an ::error:: that says what to do.
 */
import * as core from '@actions/core';
import { errorMessage } from './errors';

export async function runAction(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    core.setFailed(errorMessage(error));
  }
}

/** Sets each output and logs it, so the step log shows what later steps receive. */
export function setOutputs(outputs: Readonly<Record<string, string | number | boolean>>): void {
  for (const [name, value] of Object.entries(outputs)) {
    core.setOutput(name, String(value));
    core.info(`output ${name}=${String(value)}`);
  }
}
