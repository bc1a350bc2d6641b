// Lets Node run the workspace's TypeScript CLIs (docs generator, rehearsal) straight from src/:
// a require hook that transpiles .ts to CommonJS with swc, the same transform the tests use.
// Type checking is done once for the whole repo by `pnpm typecheck`, not here.
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = function compileTs(module, filename) {
  const source = require('node:fs').readFileSync(filename, 'utf8');
  const { code } = transformSync(source, {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
