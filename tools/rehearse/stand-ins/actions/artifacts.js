// The upload-artifact / download-artifact stand-ins: an artifact is a folder named after it under
// REHEARSAL_ARTIFACTS. Upload keeps paths relative to the paths' common parent folder, as the
// real action does; download restores them under the destination.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = process.env.REHEARSAL_ARTIFACTS;
if (!root) throw new Error('the rehearsal sets REHEARSAL_ARTIFACTS');
const fail = (message) => {
  console.log(`::error::${message}`);
  process.exit(1);
};
const name = (process.env.NAME || 'artifact').trim();
if (!/^[A-Za-z0-9._-]+$/.test(name))
  fail(`artifact name "${name}" has characters the stand-in refuses`);
const store = path.join(root, name);

if (process.argv[2] === 'upload') {
  const paths = (process.env.PATHS || '')
    .split('\n')
    .map((p) => p.trim())
    .filter((p) => p && !p.startsWith('!'));
  if (paths.some((p) => /[*?[]/.test(p)))
    fail('the upload-artifact stand-in does not expand globs: name the files or folders');
  const existing = paths.map((p) => path.resolve(p)).filter((p) => fs.existsSync(p));
  if (existing.length === 0) {
    const message = `no files found at ${paths.join(', ')}`;
    if (process.env.IF_NONE === 'error') fail(message);
    if (process.env.IF_NONE !== 'ignore') console.log(`::warning::${message}`);
    process.exit(0);
  }
  // Common parent: a single folder uploads its contents; files keep their names.
  const parents = existing.map((p) => (fs.statSync(p).isDirectory() ? p : path.dirname(p)));
  let base = parents[0];
  while (!parents.every((p) => p === base || p.startsWith(base + path.sep)))
    base = path.dirname(base);
  fs.rmSync(store, { recursive: true, force: true });
  for (const p of existing) {
    const target = path.join(store, path.relative(base, p));
    fs.cpSync(p, target, { recursive: true });
  }
  console.log(
    `stand-in upload-artifact: ${name} <- ${existing.map((p) => path.relative(process.cwd(), p) || '.').join(', ')}`,
  );
} else if (process.argv[2] === 'download' && (process.env.PATTERN || '').trim()) {
  // Every artifact whose name matches the glob (* and ?, as the real action's pattern), each
  // into DEST/<name>, or all into DEST with merge-multiple. None matching downloads nothing.
  const glob = process.env.PATTERN.trim();
  const matcher = new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '.')}$`,
  );
  const merge = (process.env.MERGE || '').trim() === 'true';
  const dest = path.resolve(process.env.DEST || '.');
  fs.mkdirSync(dest, { recursive: true });
  const names = fs.existsSync(root) ? fs.readdirSync(root).filter((n) => matcher.test(n)) : [];
  for (const found of names.sort()) {
    fs.cpSync(path.join(root, found), merge ? dest : path.join(dest, found), { recursive: true });
  }
  console.log(
    `stand-in download-artifact: ${names.length} artifact(s) matching ${glob} -> ${path.relative(process.cwd(), dest) || '.'}${merge ? ' (merged)' : ''}`,
  );
} else if (process.argv[2] === 'download') {
  if (!fs.existsSync(store)) fail(`artifact ${name} was not uploaded in this run`);
  const dest = path.resolve(process.env.DEST || '.');
  fs.mkdirSync(dest, { recursive: true });
  fs.cpSync(store, dest, { recursive: true });
  console.log(
    `stand-in download-artifact: ${name} -> ${path.relative(process.cwd(), dest) || '.'}`,
  );
} else {
  fail('usage: artifacts.js upload|download');
}
