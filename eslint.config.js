// @ts-check
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['node_modules/', '.data/', '.tools/', 'coverage/'] },
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // One program over the repository (tsconfig.json): the project service took ~100 s
        // for what one program does in ~60 s. The few .js entries have their own below.
        project: './tsconfig.json',
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Template literals with numbers are how we build log lines and keys.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // `(e) => void seen.push(e)` and `() => resolve()` are clear; braces would add noise.
      '@typescript-eslint/no-confusing-void-expression': [
        'error',
        { ignoreArrowShorthand: true, ignoreVoidOperator: true },
      ],
      // Handlers implement a Promise-returning contract; an async function without await is how they say so.
      '@typescript-eslint/require-await': 'off',
      // Flags like `stopping` flip in other closures while a loop awaits; the rule reads
      // them as constants and reports every such loop.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // ts-morph's type guards hand out nodes as the base Node class, which this rule reads
      // as instances "not created by its constructor" on every guard call.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      // Each error registry adds its codes with `interface WowErrorCodes extends CodesOf<typeof errors> {}`:
      // declaration merging needs the interface, and it declares nothing of its own.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
      // Only config/ reads process.env (house rule 4); the doors' entries hand it on.
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration through platform/config (house rule 4).',
        },
      ],
    },
  },
  {
    files: [
      'platform/config/**',
      'test/**',
      'infra/**/test/**',
      'cli/main.ts',
      'actions/*/main.js',
      '**/*.test.ts',
      '.ci/**',
      'eslint.config.js',
      'vitest.config.ts',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // The .js entries (a few lines each that load the TypeScript behind them) sit outside
    // tsconfig.json, which checks TypeScript only; giving them the project service's default
    // project brought back the whole CLI's program (~30 s), so they get the untyped rules.
    files: ['eslint.config.js', 'actions/*.js', 'actions/*/main.js', 'cli/wow.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
