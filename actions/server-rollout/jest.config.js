module.exports = { ...require('../../jest.preset.js'), displayName: 'server-rollout' };
