module.exports = { ...require('../../jest.preset.js'), displayName: 'action-kit' };
