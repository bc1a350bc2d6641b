/** `pnpm docs:generate`: rewrites the generated parts of docs/. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generatedDocs } from './generate';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
for (const [file, content] of generatedDocs(repoRoot)) {
  const full = path.join(repoRoot, file);
  let before = '';
  try {
    before = readFileSync(full, 'utf8');
  } catch {
    // a new page
  }
  if (before !== content) {
    writeFileSync(full, content);
    console.log(`updated ${file}`);
  }
}
