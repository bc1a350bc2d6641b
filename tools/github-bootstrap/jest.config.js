module.exports = { ...require('../../jest.preset.js'), displayName: 'github-bootstrap' };
