/** The default domain: project.domain in environments.yml, the one source of truth. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export const environmentsFile = path.resolve(__dirname, '..', '..', '..', 'environments.yml');

export function projectDomain(file: string = environmentsFile): string {
  const config = parse(readFileSync(file, 'utf8')) as { project?: { domain?: unknown } } | null;
  const domain = config?.project?.domain;
  if (typeof domain !== 'string' || domain === '') {
    throw new Error(`${file} has no project.domain. Add it, e.g. "domain: pipelines.example.com".`);
  }
  return domain;
}
