/**
 * Third-party actions on the rehearsal: act cannot fetch them offline, so each remote action the
 * workflow uses (directly or through its local composite actions) needs a local stand-in under
 * tools/rehearse/stand-ins/<owner>/<repo>/, which act takes instead (--local-repository).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ActInvocation } from './act';
import { localUses, remoteUses, type RemoteUse } from './workflow';

/** The stand-ins of this package. */
export const standInsRoot = path.resolve(__dirname, '..', 'stand-ins');
/** act copies the local checkout itself for these (it skips actions/checkout). */
const handledByAct = new Set(['actions/checkout']);

/** Remote actions the workflow uses, directly or through its local composite actions. */
export function actionsToStandIn(repo: string, workflowText: string): RemoteUse[] {
  const found = new Map<string, RemoteUse>();
  const seen = new Set<string>();
  const scan = (text: string) => {
    for (const use of remoteUses(text)) found.set(`${use.repository}@${use.ref}`, use);
    for (const local of localUses(text)) {
      if (seen.has(local)) continue;
      seen.add(local);
      for (const file of ['action.yml', 'action.yaml']) {
        const full = path.join(repo, local, file);
        if (existsSync(full)) scan(readFileSync(full, 'utf8'));
      }
    }
  };
  scan(workflowText);
  return [...found.values()].filter((use) => !handledByAct.has(use.repository));
}

/**
 * act's local repositories for the workflow's remote actions; fails, naming the actions and the
 * fix, when one has no stand-in under `root`.
 */
export function standInRepositories(
  repo: string,
  workflowText: string,
  root = standInsRoot,
): ActInvocation['localRepositories'] {
  const uses = actionsToStandIn(repo, workflowText);
  const missing = uses.filter((use) => !existsSync(path.join(root, use.repository)));
  if (missing.length) {
    throw new Error(
      `No local stand-in for ${missing.map((m) => m.uses).join(', ')}: act cannot fetch actions offline. Add one under tools/rehearse/stand-ins/<owner>/<repo>/action.yml.`,
    );
  }
  return uses.map((use) => ({ use, folder: path.join(root, use.repository) }));
}
