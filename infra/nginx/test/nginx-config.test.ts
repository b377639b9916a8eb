import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkNginxConfig,
  freePort,
  renderTemplate,
  selfSignedCertificate,
  templatePath,
  writeNginxConfig,
  type TemplateValues,
} from './nginx-process.ts';

let prefix: string;
let values: TemplateValues;
beforeAll(async () => {
  prefix = await mkdtemp(join(tmpdir(), 'wow-nginx-t-'));
  const { cert, key } = await selfSignedCertificate(prefix);
  values = {
    WOW_SERVER_NAME: 'localhost',
    WOW_UPSTREAM: '127.0.0.1:3000',
    WOW_HTTP_LISTEN: `127.0.0.1:${await freePort()}`,
    WOW_HTTPS_LISTEN: `127.0.0.1:${await freePort()}`,
    WOW_PUBLIC_HTTPS_PORT: '443',
    WOW_TLS_CERT: cert,
    WOW_TLS_KEY: key,
    WOW_LOG_DIR: prefix,
  };
});
afterAll(async () => {
  await rm(prefix, { recursive: true, force: true });
});

describe('the nginx config (infra/nginx/templates)', () => {
  it('passes `nginx -t` rendered with test paths, unprivileged ports and a folder of its own', async () => {
    const { ok, output } = await checkNginxConfig(prefix, await writeNginxConfig(prefix, values));
    expect(output).toContain('syntax is ok');
    expect(ok).toBe(true);
  });

  it('fails `nginx -t` when the certificate is missing, naming the file', async () => {
    const broken = join(prefix, 'broken');
    const conf = await writeNginxConfig(broken, { ...values, WOW_TLS_CERT: join(prefix, 'no-such-cert.pem') });
    const { ok, output } = await checkNginxConfig(broken, conf);
    expect(ok).toBe(false);
    expect(output).toContain('no-such-cert.pem');
  });

  it('reads only the variables it documents, and refuses to render without one', async () => {
    const template = await readFile(templatePath, 'utf8');
    const used = new Set([...template.matchAll(/\$\{(WOW_[A-Z0-9_]+)\}/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual(Object.keys(values).sort());
    for (const name of used) expect(template).toMatch(new RegExp(`^#\\s+${name}\\s`, 'm'));
    const { WOW_UPSTREAM: _left, ...partial } = values;
    expect(() => renderTemplate(template, partial)).toThrow('${WOW_UPSTREAM}');
  });

  it('writes nginx variables without braces, so that envsubst leaves them alone', async () => {
    const template = await readFile(templatePath, 'utf8');
    const config = template.split('\n').filter((line) => !line.trimStart().startsWith('#'));
    expect(config.join('\n').match(/\$\{(?!WOW_)[^}]*\}/g)).toBeNull();
  });
});
