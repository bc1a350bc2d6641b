// @actions/workflow-parser and @actions/expressions ship only ES modules (an "import"-only
// exports map). Jest runs our tests as CommonJS, so map the bare names to their files and let
// swc compile those two packages like our own code; everything else in node_modules is untouched.
const path = require('node:path');

const dist = (pkg) => path.join(__dirname, 'node_modules', '@actions', pkg, 'dist');

module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'workflow-checks',
  moduleNameMapper: {
    '^@actions/(expressions|workflow-parser)$': path.join(dist('$1'), 'index.js'),
    '^@actions/expressions/(.+?)(\\.js)?$': path.join(dist('expressions'), '$1.js'),
  },
  transformIgnorePatterns: ['/node_modules/(?!\\.pnpm/|@actions/(expressions|workflow-parser)/)'],
};
