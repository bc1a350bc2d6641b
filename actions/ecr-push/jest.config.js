module.exports = { ...require('../../jest.preset.js'), displayName: 'ecr-push' };
