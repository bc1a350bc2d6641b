// TypeScript resolves packages the node10 way here (a CommonJS workspace), which ignores
// "exports". These two ESM-only packages map subpaths through typesVersions (`<pkg>/x` ->
// dist/x.d.ts) but declare no types for the bare name, so point the bare names at their index.
// At run time jest.config.js maps the same names.
declare module '@actions/expressions' {
  export * from '@actions/expressions/index';
}
declare module '@actions/workflow-parser' {
  export * from '@actions/workflow-parser/index';
}
