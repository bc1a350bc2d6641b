import { input, integerString, parseInputs, type Env } from '@pipelines/shared';
import { z } from 'zod';

const specs = {
  environment: input(
    z.string().regex(/^[A-Za-z0-9_.-]{1,255}$/, 'expected an environment name such as prod'),
    'Set environment to the name the job declares in `environment:` (for example prod).',
  ),
  'github-token': input(
    z.string().min(1),
    'Pass github-token: ${{ github.token }} and give the job `permissions: actions: read`.',
  ),
  repository: input(
    z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'expected owner/repo'),
    'Set repository to owner/repo, or leave it at its default.',
  ),
  'min-reviewers': input(
    integerString(1, 6).default(1),
    'Use a number from 1 to 6 (GitHub allows at most 6 required reviewers).',
  ),
};

export type Inputs = ReturnType<typeof getInputs>;

export function getInputs(env: Env = process.env) {
  return parseInputs(specs, env);
}
