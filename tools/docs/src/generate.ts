/**
 * What is generated from code: the actions reference (from action.yml files), the routing table
 * and the README's deployment badges (from environments.yml), and the workflow lists GitHub reads before any expression runs (from
 * environments.yml, see workflows.ts). One function computes it all, so the generator and the
 * staleness test cannot disagree.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readActions, renderActionsReference } from './actionsReference';
import { deployBadgesMarkdown } from './badges';
import { replaceGenerated } from './markdown';
import { routingTableMarkdown } from './routing';
import { generatedWorkflows } from './workflows';

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
  docs.set(
    'README.md',
    replaceGenerated(
      readFileSync(path.join(repoRoot, 'README.md'), 'utf8'),
      'deploy-badges',
      deployBadgesMarkdown(repoRoot),
    ),
  );
  for (const [file, content] of generatedWorkflows(repoRoot)) docs.set(file, content);
  return docs;
}
