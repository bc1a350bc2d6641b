module.exports = { ...require('../../jest.preset.js'), displayName: 'environment-guard' };
