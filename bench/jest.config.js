// Only the pure helpers of the benchmarks are tested; the benchmarks themselves never run in tests.
module.exports = { ...require('../jest.preset.js'), displayName: 'bench' };
