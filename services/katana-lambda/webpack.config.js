// Bundles src/index.ts into build/index.js for the Lambda Node.js runtime (handler: index.handler).
// Deterministic: same sources and commit give the same bytes (no timestamps, stable module ids).
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const webpack = require('webpack');
const { version } = require('./package.json');

/** The commit being built: GITHUB_SHA in Actions, else git, else "unknown" (e.g. a tarball). */
function commit() {
  if (process.env.GITHUB_SHA) return process.env.GITHUB_SHA;
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: __dirname, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/** @type {import('webpack').Configuration} */
module.exports = {
  mode: 'production',
  target: 'node20',
  entry: './src/index.ts',
  output: {
    path: path.join(__dirname, 'build'),
    filename: 'index.js',
    library: { type: 'commonjs2' },
    clean: true,
  },
  resolve: { extensions: ['.ts', '.js'] },
  module: {
    rules: [
      {
        test: /\.ts$/,
        exclude: /node_modules/,
        use: {
          loader: 'swc-loader',
          options: {
            jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
            module: { type: 'es6' },
          },
        },
      },
    ],
  },
  plugins: [
    new webpack.DefinePlugin({
      __KATANA_VERSION__: JSON.stringify(version),
      __KATANA_COMMIT__: JSON.stringify(commit()),
    }),
  ],
  optimization: { moduleIds: 'deterministic', chunkIds: 'deterministic' },
  devtool: false,
  stats: 'errors-warnings',
};
