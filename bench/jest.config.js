// Pure helpers are unit-tested; the smoke test runs the documented command with --quick and checks
// the page's shape only (no timing is ever asserted).
module.exports = { ...require('../jest.preset.js'), displayName: 'bench' };
