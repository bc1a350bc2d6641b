module.exports = { ...require('../../jest.preset.js'), displayName: 's3-upload' };
