import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

// Debian's real nginx and openssl, run unprivileged in a folder of the test's own: the
// template rendered as the nginx image renders it, inside a main config that keeps the
// pid, logs and temporary files in that folder.
const run = promisify(execFile);
export const templatePath = new URL('../templates/waooaw.conf.template', import.meta.url);

/** The variables the template reads (its `${WOW_*}`), as the nginx image's entrypoint is given them. */
export type TemplateValues = Record<
  | 'WOW_SERVER_NAME'
  | 'WOW_UPSTREAM'
  | 'WOW_HTTP_LISTEN'
  | 'WOW_HTTPS_LISTEN'
  | 'WOW_PUBLIC_HTTPS_PORT'
  | 'WOW_TLS_CERT'
  | 'WOW_TLS_KEY'
  | 'WOW_LOG_DIR',
  string
>;

/** `${NAME}` → its value, as envsubst does with the image's NGINX_ENVSUBST_FILTER=^WOW_; a variable not given is an error. */
export function renderTemplate(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{(WOW_[A-Z0-9_]+)\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`the nginx template reads \${${name}}, which was not given`);
    return value;
  });
}

async function which(tool: string): Promise<string> {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin'])) {
    const path = join(dir, tool);
    try {
      await run(path, ['-v']).catch((err: unknown) => {
        // `nginx -v` prints to stderr and exits 0; anything that ran at all is the tool.
        if ((err as { code?: unknown }).code === 'ENOENT') throw err;
      });
      return path;
    } catch {
      continue;
    }
  }
  throw new Error(
    `${tool} is not installed: run .ci/services.sh (it installs nginx, promtool and openssl when missing)`,
  );
}

export const nginxBinary = (() => {
  let found: Promise<string> | undefined;
  return () => (found ??= which('nginx'));
})();

/** A port nothing listens on now, on loopback. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A self-signed certificate for localhost and 127.0.0.1, made with the openssl CLI. */
export async function selfSignedCertificate(dir: string): Promise<{ cert: string; key: string }> {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  await run(await which('openssl'), [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout',
    key,
    '-out',
    cert,
  ]);
  return { cert, key };
}

/**
 * The main config a test runs the template in: everything nginx writes stays under
 * `prefix`. Run as root (CI), nginx would hand its workers to `nobody`, who may not write
 * the test's private folder, so they stay with the user that started it.
 */
export async function writeNginxConfig(prefix: string, values: TemplateValues): Promise<string> {
  const site = renderTemplate(await readFile(templatePath, 'utf8'), values);
  await mkdir(join(prefix, 'conf.d'), { recursive: true });
  await writeFile(join(prefix, 'conf.d', 'waooaw.conf'), site);
  const temp = (name: string) => `${name}_temp_path ${join(prefix, `${name}-temp`)};`;
  const main = [
    process.getuid?.() === 0 ? 'user root;' : '',
    'daemon off;',
    'worker_processes 1;',
    `pid ${join(prefix, 'nginx.pid')};`,
    `error_log ${join(prefix, 'error.log')} notice;`,
    'events { worker_connections 256; }',
    'http {',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp),
    `  include ${join(prefix, 'conf.d', 'waooaw.conf')};`,
    '}',
  ].join('\n');
  const conf = join(prefix, 'nginx.conf');
  await writeFile(conf, main);
  return conf;
}

/** `nginx -t` on the config: its exit status and what it said. */
export async function checkNginxConfig(prefix: string, conf: string): Promise<{ ok: boolean; output: string }> {
  return run(await nginxBinary(), ['-t', '-p', prefix, '-e', join(prefix, 'error.log'), '-c', conf]).then(
    ({ stderr }) => ({ ok: true, output: stderr }),
    (err: unknown) => ({ ok: false, output: String((err as { stderr?: string }).stderr ?? err) }),
  );
}

export interface NginxProcess {
  child: ChildProcess;
  /** SIGQUIT (graceful), then its exit. */
  stop(): Promise<void>;
}

/** nginx in the foreground on the config; resolves once `port` accepts connections. */
export async function startNginx(prefix: string, conf: string, port: number): Promise<NginxProcess> {
  const child = spawn(await nginxBinary(), ['-p', prefix, '-e', join(prefix, 'error.log'), '-c', conf], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  for (let i = 0; ; i++) {
    // Connecting, not binding: a probe that bound the port could take it from nginx.
    const listening = await new Promise<boolean>((resolve) => {
      const probe = connect(port, '127.0.0.1');
      probe.once('connect', () => {
        probe.destroy();
        resolve(true);
      });
      probe.once('error', () => resolve(false));
    });
    if (listening) break;
    if (child.exitCode !== null || i > 100) {
      const log = await readFile(join(prefix, 'error.log'), 'utf8').catch(() => '');
      child.kill('SIGKILL');
      throw new Error(`nginx did not start: ${stderr}${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    child,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGQUIT');
      await exited;
    },
  };
}
