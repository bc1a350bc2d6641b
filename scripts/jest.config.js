module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'scripts',
  testMatch: ['<rootDir>/*.test.ts'],
};
