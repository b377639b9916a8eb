/** The checks the typescript kind offers; a light module, so that a rule pack validates without loading the compiler. */
export const checks = ['no-any-export', 'explicit-return-types', 'no-sync-io'] as const;
export type Check = (typeof checks)[number];
