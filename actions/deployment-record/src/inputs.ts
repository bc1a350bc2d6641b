import {
  booleanString,
  input,
  InputError,
  parseInputs,
  sha256Hex,
  type Env,
} from '@pipelines/action-kit';
import { z } from 'zod';

const positive = z
  .string()
  .regex(/^[1-9]\d{0,15}$/, 'expected a positive whole number')
  .transform(Number);
const bytes = z
  .string()
  .regex(/^\d{1,16}$/, 'expected a size in bytes')
  .transform(Number);
const text = (max: number) => z.string().max(max, `expected at most ${max} characters`);

const specs = {
  phase: input(
    z.enum(['start', 'finish']),
    'Use phase: start as the deploy job’s first step and phase: finish (with if: always()) as its last.',
  ),
  environment: input(
    z.string().regex(/^[A-Za-z0-9_.-]{1,255}$/, 'expected an environment name such as prod'),
    'Pass the environment the job declares (needs.resolve.outputs.environment).',
  ),
  'github-token': input(
    z.string().min(1),
    'Pass github-token: ${{ github.token }} and give the job `permissions: deployments: write`.',
  ),
  repository: input(
    z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'expected owner/repo'),
    'Leave repository at its default (${{ github.repository }}).',
  ),
  'production-environment': input(
    booleanString.default(false),
    'Use true for an approval environment (needs.resolve.outputs.approval), else false.',
  ),
  'environment-url': input(
    z.url({ protocol: /^https?$/ }).optional(),
    'Pass an http(s) URL (needs.resolve.outputs.environment-url), or leave it empty.',
  ),
  description: input(text(1000).optional(), 'Use a short sentence, or leave it empty.'),
  workflow: input(
    z
      .string()
      .regex(/^\.github\/workflows\/[^\s@]+\.ya?ml$/, 'expected .github/workflows/<file>.yml')
      .optional(),
    'Pass the workflow file that deploys, e.g. .github/workflows/pipeline.yml.',
  ),
  commit: input(
    z.string().regex(/^[0-9a-f]{40}$/, 'expected a full commit SHA'),
    'Leave commit at its default (${{ github.sha }}).',
  ),
  redeploy: input(
    booleanString.default(false),
    'Use true in a rollback (it deploys a package built earlier), else leave it empty.',
  ),
  'run-id': input(positive, 'Leave run-id at its default (${{ github.run_id }}).'),
  'run-attempt': input(
    positive.default(1),
    'Leave run-attempt at its default (${{ github.run_attempt }}).',
  ),
  'package-sha256': input(sha256Hex.optional(), 'Pass needs.upload.outputs.sha256, or nothing.'),
  'package-size': input(bytes.optional(), 'Pass the package size in bytes, or nothing.'),
  'package-bucket': input(text(63).optional(), 'Pass needs.upload.outputs.bucket, or nothing.'),
  'package-key': input(text(1024).optional(), 'Pass needs.upload.outputs.key, or nothing.'),
  'package-version-id': input(
    text(1024).optional(),
    'Pass needs.upload.outputs.version-id, or nothing.',
  ),
  'function-name': input(text(170).optional(), 'Pass the Lambda function name, or nothing.'),
  'function-alias': input(text(128).optional(), 'Pass the alias that serves traffic, or nothing.'),
  'image-digest': input(
    z
      .string()
      .regex(/^sha256:[0-9a-f]{64}$/, 'expected sha256:<64 hex>')
      .optional(),
    'Pass needs.release-candidate.outputs.image-digest, or nothing.',
  ),
  'image-uri': input(
    text(1024).optional(),
    'Pass needs.release-candidate.outputs.image-uri, or nothing.',
  ),
  'image-size': input(bytes.optional(), 'Pass the image size in bytes, or nothing.'),
  'deployment-id': input(
    positive.optional(),
    'Pass the start step’s output: deployment-id: ${{ steps.<start step id>.outputs.deployment-id }}.',
  ),
  'job-status': input(
    z.enum(['success', 'failure', 'cancelled']).optional(),
    'Pass job-status: ${{ job.status }}.',
  ),
};

export type Inputs = ReturnType<typeof parseWithRunner>;

/**
 * Inputs fall back to the runner's own variables where action.yml's defaults come from the
 * github context (GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT, GITHUB_SHA, GITHUB_REPOSITORY), and the
 * workflow to the path in GITHUB_WORKFLOW_REF (`owner/repo/.github/workflows/x.yml@ref`).
 */
export function getInputs(env: Env = process.env): Inputs {
  const inputs = parseWithRunner(env);
  if (inputs.phase === 'finish' && inputs.jobStatus === undefined)
    throw new InputError('job-status', 'is required with phase: finish', specs['job-status'].fix);
  if (inputs.phase === 'start' && inputs.workflow === undefined)
    throw new InputError('workflow', 'is required with phase: start', specs.workflow.fix);
  return inputs;
}

function parseWithRunner(env: Env) {
  const filled: Record<string, string | undefined> = { ...env };
  const fallback = (name: string, value: string | undefined) => {
    const key = `INPUT_${name.toUpperCase()}`;
    if (!filled[key]?.trim()) filled[key] = value;
  };
  fallback('run-id', env.GITHUB_RUN_ID);
  fallback('run-attempt', env.GITHUB_RUN_ATTEMPT);
  fallback('commit', env.GITHUB_SHA);
  fallback('repository', env.GITHUB_REPOSITORY);
  fallback('workflow', /^[^/]+\/[^/]+\/([^@]+)@/.exec(env.GITHUB_WORKFLOW_REF ?? '')?.[1]);
  return parseInputs(specs, filled);
}
