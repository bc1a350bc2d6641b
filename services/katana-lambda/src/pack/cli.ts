/**
 * `pnpm run package`: zips the webpack build (build/index.js) into dist/katana-lambda.zip,
 * deterministically, and prints the zip's absolute path and nothing else (the workflow reads it).
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { entriesFrom, writeDeterministicZip } from './zip';

const root = path.resolve(__dirname, '..', '..');
const bundle = path.join(root, 'build', 'index.js');
const out = path.join(root, 'dist', 'katana-lambda.zip');

async function main(): Promise<void> {
  if (!existsSync(bundle)) {
    throw new Error(
      `${bundle} does not exist. Run the build first: pnpm --filter @pipelines/katana-lambda run build`,
    );
  }
  mkdirSync(path.dirname(out), { recursive: true });
  await writeDeterministicZip(entriesFrom({ 'index.js': bundle }), out);
  process.stdout.write(`${out}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `::error::Could not package katana-lambda: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
});
