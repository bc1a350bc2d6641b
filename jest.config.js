// The whole test suite: every workspace package that has a jest.config.js is a project.
const fs = require('node:fs');
const path = require('node:path');

const roots = ['actions', 'packages', 'services', 'tools'];
const projects = roots
  .flatMap((dir) =>
    fs.existsSync(path.join(__dirname, dir))
      ? fs.readdirSync(path.join(__dirname, dir)).map((name) => path.join(dir, name))
      : [],
  )
  .concat(['infra', 'bench', '.github', 'scripts'])
  .filter((dir) => fs.existsSync(path.join(__dirname, dir, 'jest.config.js')))
  .map((dir) => `<rootDir>/${dir}`);

/** @type {import('jest').Config} */
module.exports = { projects };
