import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { killedWithItsFile, killLeftBehind } from './child-processes.ts';

// What a test file leaves running is killed when it ends (kill-left-behind.ts); what it
// stopped itself is not touched again.
describe('long-running children of a test file', () => {
  it('kills those still running, and leaves alone those that exited', async () => {
    const forever = killedWithItsFile(spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']));
    const brief = killedWithItsFile(spawn(process.execPath, ['-e', '']));
    await once(brief, 'exit');
    const exited = once(forever, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    killLeftBehind();
    const [code, signal] = await exited;
    expect([code, signal]).toEqual([null, 'SIGKILL']);
    expect(brief.exitCode).toBe(0);
  });
});
