// One flat config for the whole workspace.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '.tools/**',
      'coverage/**',
      'infra/cdk.out/**',
      'services/blog/public/**',
      'services/katana-lambda/build/**',
      'services/blog/.cache/**',
      'test-artifacts/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
      // The workspace packages are used through their `exports` maps only (the resolver refuses
      // anything else too); this says so at the import, with the fix.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^@pipelines/(action-kit|environments)/src(/|$)',
              message: "Import the package's index or a subpath its package.json exports.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', '**/__tests__/**'],
    languageOptions: { globals: { ...globals.jest } },
  },
  {
    files: ['**/*.cjs', '**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
