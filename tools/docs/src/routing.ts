/** The routing table of docs/environments.md, generated from environments.yml. */
import path from 'node:path';
import { loadEnvironments, renderRoutingTable } from '@pipelines/environments';

export function routingTableMarkdown(repoRoot: string): string {
  return renderRoutingTable(loadEnvironments(path.join(repoRoot, 'environments.yml')));
}
