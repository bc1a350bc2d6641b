/**
 * Builds a tier exactly as bin/app.ts does (same environments.yml, same addTierStacks), with a
 * stand-in services/ folder so the templates do not depend on the services' work in progress.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { addTierStacks, newApp, type TierStacks } from '../lib/app';
import { tierConfig, type TierConfig, type TierOptions } from '../lib/config';
import { loadEnvironments } from '@pipelines/environments';

export const ENVIRONMENTS_YML = resolve(__dirname, '..', '..', 'environments.yml');
export const SERVICES_DIR = resolve(__dirname, '..', '..', 'services');

export function fakeServicesDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'infra-services-'));
  for (const service of ['proxy', 'blog', 'fulcrum', 'rocketchat']) {
    mkdirSync(join(dir, service, 'systemd'), { recursive: true });
    writeFileSync(join(dir, service, 'install.sh'), `echo installing ${service}\n`);
  }
  // The rollout's SSM document, as it is.
  mkdirSync(join(dir, 'lib'));
  copyFileSync(
    join(SERVICES_DIR, 'lib', 'deploy-document.json'),
    join(dir, 'lib', 'deploy-document.json'),
  );
  return dir;
}

export interface SynthesizedTier {
  readonly config: TierConfig;
  readonly stacks: TierStacks;
  readonly templates: { readonly [K in keyof TierStacks]: Template };
  /** What each stack's synthesis reported (errors, warnings, infos), by stack key. */
  readonly messages: { readonly [K in keyof TierStacks]: readonly SynthesisMessage[] };
  readonly outdir: string;
}

export interface SynthesisMessage {
  readonly level: string;
  readonly id: string;
  readonly entry: { readonly data?: unknown };
}

export function synthTier(options: TierOptions): SynthesizedTier {
  const config = tierConfig(loadEnvironments(ENVIRONMENTS_YML), options);
  const outdir = mkdtempSync(join(tmpdir(), 'infra-cdk-out-'));
  const app = newApp({ outdir });
  const stacks = addTierStacks(app, config, { servicesDir: fakeServicesDir() });
  // One synthesis per tier. Template.fromStack reuses it; Annotations.fromStack would not (it
  // re-synthesizes the whole app on every call), so the messages are read from the same
  // assembly that Annotations reads them from.
  const assembly = app.synth();
  const entries = Object.entries(stacks) as [keyof TierStacks, TierStacks[keyof TierStacks]][];
  const templates = Object.fromEntries(
    entries.map(([key, stack]) => [key, Template.fromStack(stack)]),
  ) as unknown as SynthesizedTier['templates'];
  const messages = Object.fromEntries(
    entries.map(([key, stack]) => [key, assembly.getStackArtifact(stack.artifactId).messages]),
  ) as unknown as SynthesizedTier['messages'];
  return { config, stacks, templates, messages, outdir };
}

/** A CloudFormation value with Fn::Join / Ref / pseudo parameters flattened to a readable string. */
export function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(flatten).join(',');
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if ('Fn::Join' in record) {
      const [separator, parts] = record['Fn::Join'] as [string, unknown[]];
      return parts.map(flatten).join(separator);
    }
    if ('Ref' in record) return `<${String(record.Ref)}>`;
    if ('Fn::GetAtt' in record) return `<${(record['Fn::GetAtt'] as string[]).join('.')}>`;
  }
  return JSON.stringify(value);
}

export const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
