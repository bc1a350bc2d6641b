/** The reads the action makes: environments.yml from the job's checkout, and which files exist there. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ActionError } from '@pipelines/action-kit';
import type { Inputs } from './inputs';

export function readConfigText(inputs: Pick<Inputs, 'config' | 'configPath'>): string {
  try {
    return readFileSync(inputs.configPath, 'utf8');
  } catch (error) {
    throw new ActionError(
      `read ${inputs.config}`,
      error,
      'Check out the repository first (actions/checkout) and check the config input',
    );
  }
}

/** Whether a path relative to the checkout exists (each image's build script must). */
export function existsInCheckout(inputs: Pick<Inputs, 'workspace'>): (relative: string) => boolean {
  return (relative) => existsSync(path.join(inputs.workspace, relative));
}
