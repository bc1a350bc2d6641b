/**
 * What docs/ holds that is generated from code: the actions reference (from action.yml files)
 * and the routing table (from environments.yml). One function computes it all, so the generator
 * and the staleness test cannot disagree.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readActions, renderActionsReference } from './actionsReference';
import { replaceGenerated } from './markdown';
import { routingTableMarkdown } from './routing';

/** file (relative to the repo root) -> its content as it should be. */
export function generatedDocs(repoRoot: string): Map<string, string> {
  const docs = new Map<string, string>();
  docs.set('docs/actions-reference.md', renderActionsReference(readActions(repoRoot)));
  const environmentsPage = 'docs/environments.md';
  const pagePath = path.join(repoRoot, environmentsPage);
  if (existsSync(pagePath)) {
    docs.set(
      environmentsPage,
      replaceGenerated(
        readFileSync(pagePath, 'utf8'),
        'routing-table',
        routingTableMarkdown(repoRoot),
      ),
    );
  }
  return docs;
}
