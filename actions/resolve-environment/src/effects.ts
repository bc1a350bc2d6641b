/** The one read the action makes: the environments.yml text from the job's checkout. */
import { readFileSync } from 'node:fs';
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
