module.exports = { ...require('../../jest.preset.js'), displayName: 'katana-lambda' };
