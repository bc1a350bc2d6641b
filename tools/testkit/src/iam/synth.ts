/**
 * The CDK app's templates for one tier, synthesized offline exactly as `cdk synth` does it (the
 * CLI runs bin/app.ts with the context in CDK_CONTEXT_JSON and collects CDK_OUTDIR), without
 * the CLI and without credentials: the account and region are given.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot, toolPath } from '../paths';
import type { CloudFormationTemplate } from './template';

export interface SynthOptions {
  readonly tier: string;
  readonly account: string;
  readonly region: string;
  /** More `-c key=value` context (see infra/README.md). */
  readonly context?: Readonly<Record<string, string>>;
}

/** Every stack's template, by stack name (`Pipelines-Upper-Github`). */
export async function synthesizeTier(
  options: SynthOptions,
): Promise<Record<string, CloudFormationTemplate>> {
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'twin-synth-'));
  const infra = path.join(repoRoot, 'infra');
  try {
    await promisify(execFile)(toolPath('node24'), ['--import', 'tsx', 'bin/app.ts'], {
      cwd: infra,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? outdir,
        CDK_OUTDIR: outdir,
        CDK_CONTEXT_JSON: JSON.stringify({
          ...options.context,
          tier: options.tier,
          account: options.account,
          region: options.region,
        }),
      },
      maxBuffer: 64 * 1024 * 1024,
    });
    const suffix = '.template.json';
    return Object.fromEntries(
      readdirSync(outdir)
        .filter((file) => file.endsWith(suffix))
        .map((file) => [
          file.slice(0, -suffix.length),
          JSON.parse(readFileSync(path.join(outdir, file), 'utf8')) as CloudFormationTemplate,
        ]),
    );
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(
      `Could not synthesize the ${options.tier} tier of infra/: ${stderr.trim() || String(error)}. Run \`cd infra && npx cdk synth -c tier=${options.tier}\` to see why.`,
      { cause: error },
    );
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
