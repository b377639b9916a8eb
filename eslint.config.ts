import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.data/', '.tools/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Template literals with numbers are how we build log lines and keys.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Only config/ reads process.env (house rule 4).
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through agents/runtime/src/config (house rule 4).' }],
    },
  },
  {
    files: ['agents/runtime/src/config/**', 'test/**', 'cli/wow.ts', '**/*.test.ts', '.ci/**', 'eslint.config.ts', 'vitest.config.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
