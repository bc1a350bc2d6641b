module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'blog',
  // Gatsby's build output and cache are not sources.
  modulePathIgnorePatterns: ['<rootDir>/public/', '<rootDir>/.cache/'],
};
