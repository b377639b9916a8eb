import { afterAll } from 'vitest';
import { killLeftBehind } from './child-processes.ts';

// Run before every test file (vitest.config.ts, setupFiles): whatever long-running process
// the file started and did not stop is killed when it ends.
afterAll(() => {
  killLeftBehind();
});
