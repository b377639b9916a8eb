import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { childEnv, childNodeFlags } from '../support/child-env.ts';
import { killedWithItsFile } from '../support/child-processes.ts';

const root = new URL('../../', import.meta.url).pathname;
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('wow start with SUPPORT_SMTP_PORT', () => {
  it('takes support mail on the SMTP listener it starts, and stops it on SIGTERM', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'wow-start-email-'));
    dirs.push(dataDir);
    const child = killedWithItsFile(
      spawn(process.execPath, [...childNodeFlags, 'cli/wow.js', 'start'], {
        cwd: root,
        env: {
          ...childEnv(),
          LOG_LEVEL: 'info',
          PORT: '0',
          DATA_DIR: dataDir,
          SUPPORT_SMTP_PORT: '0',
          SUPPORT_SMTP_HOST: '127.0.0.1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // The listener says where it listens before the platform says it is running.
    const smtp = await new Promise<{ host: string; port: number }>((resolve, reject) => {
      let found: { host: string; port: number } | undefined;
      createInterface({ input: child.stdout }).on('line', (line) => {
        const entry = JSON.parse(line) as { smtp?: { host: string; port: number }; address?: string };
        found ??= entry.smtp;
        if (entry.address === undefined) return;
        if (found === undefined) reject(new Error(`no SMTP listener was started: ${line}`));
        else resolve(found);
      });
      void exited.then((code) => reject(new Error(`wow start exited with ${code}: ${stderr}`)));
    });
    const transport = nodemailer.createTransport({ host: smtp.host, port: smtp.port, secure: false, ignoreTLS: true });
    const raw = await readFile(new URL('../fixtures/support/mail/plain.eml', import.meta.url));
    const info = await transport.sendMail({
      envelope: { from: 'ada@customer.example', to: ['support@waooaw.localhost'] },
      raw,
    });
    transport.close();
    expect(info.response).toMatch(/^250 OK: ticket [0-9a-f-]{36}$/);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // The whole platform (every agent) starts in a process of its own: slow on a busy 2-core machine.
  }, 120_000);
});
