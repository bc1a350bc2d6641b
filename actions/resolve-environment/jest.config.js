module.exports = { ...require('../../jest.preset.js'), displayName: 'resolve-environment' };
