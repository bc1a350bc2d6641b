/**
 * The OIDC roles the rehearsal enforces are the ones the CDK app deploys: the tier is synthesized
 * with infra/ (offline, as infra's own tests do: same environments.yml, same addTierStacks), and
 * the GitHub stack's template is what the strict local AWS reads. Synthesis takes seconds, so the
 * result is cached under the run folder's parent, keyed by what it depends on.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadEnvironments } from '@pipelines/environments';
import { addTierStacks, newApp } from '../../../infra/lib/app';
import { tierConfig } from '../../../infra/lib/config';

const infraRoot = path.resolve(__dirname, '..', '..', '..', 'infra');

export interface SynthesizedRoles {
  /** The GitHub stack's CloudFormation template (roles, trust, policies). */
  readonly template: {
    Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  };
  /** The role name of each GitHub environment (`prod`, `prod-candidate`, ...). */
  readonly environmentRoles: Readonly<Record<string, string>>;
}

export interface SynthOptions {
  /** The repository being rehearsed (its environments.yml). */
  readonly source: string;
  /** The services the servers' bundles are staged from (they do not change the roles). */
  readonly servicesDir: string;
  readonly tier: string;
  /** A family member (int-alice) the ref deploys to, provisioned like fixed environments. */
  readonly familyEnvironments?: string | undefined;
  readonly account: string;
  /** Where cached templates live. */
  readonly cacheDir: string;
}

/** Every file under a folder, for the cache key (the infra code the template depends on). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

export function cacheKey(options: SynthOptions): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(path.join(options.source, 'environments.yml')));
  hash.update(JSON.stringify([options.tier, options.familyEnvironments ?? '', options.account]));
  for (const file of filesUnder(path.join(infraRoot, 'lib')).sort())
    hash.update(readFileSync(file));
  return hash.digest('hex').slice(0, 32);
}

function synthesize(options: SynthOptions): SynthesizedRoles {
  const config = tierConfig(loadEnvironments(path.join(options.source, 'environments.yml')), {
    tier: options.tier,
    account: options.account,
    familyEnvironments: options.familyEnvironments,
  });
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'rehearse-cdk-out-'));
  try {
    const app = newApp({ outdir });
    const stacks = addTierStacks(app, config, {
      servicesDir: options.servicesDir,
    });
    const assembly = app.synth();
    const template = assembly.getStackArtifact(stacks.github.artifactId)
      .template as SynthesizedRoles['template'];
    const environmentRoles: Record<string, string> = {};
    for (const [name, role] of [...stacks.github.roles, ...stacks.github.candidateRoles]) {
      environmentRoles[name] = String((role.node.defaultChild as { roleName?: string }).roleName);
    }
    return { template, environmentRoles };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** The tier's OIDC roles as the CDK app synthesizes them, from the cache when nothing changed. */
export function synthesizedRoles(options: SynthOptions): SynthesizedRoles {
  const file = path.join(options.cacheDir, `github-stack-${cacheKey(options)}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as SynthesizedRoles;
  const roles = synthesize(options);
  mkdirSync(options.cacheDir, { recursive: true });
  writeFileSync(file, JSON.stringify(roles));
  return roles;
}
