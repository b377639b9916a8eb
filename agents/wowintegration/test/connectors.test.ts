import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConnectors } from '../src/index.ts';

const repoConnectors = fileURLToPath(new URL('../../../integrations', import.meta.url));
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const folderWith = async (name: string, text: string) => {
  const dir = await mkdtemp(join(tmpdir(), 'wow-connectors-'));
  dirs.push(dir);
  await mkdir(join(dir, name));
  await writeFile(join(dir, name, 'connector.yml'), text);
  return dir;
};

describe('connectors', () => {
  it('loads the repository’s connectors with their defaults', async () => {
    const connectors = await loadConnectors(repoConnectors);
    expect(connectors.map((c) => [c.name, c.auth.kind, c.deliver.map((d) => d.event)])).toEqual([
      ['generic-oauth2', 'oauth2-client-credentials', []],
      ['salesforce', 'oauth2-refresh-token', ['support.ticket.opened']],
    ]);
    expect(connectors[1]?.webhook).toMatchObject({ scheme: 'hmac-sha256', maxBodyBytes: 262144 });
  });

  it('reports every problem at its line: plain HTTP off loopback, an unknown field, a bad event path, a name not its folder’s', async () => {
    const dir = await folderWith(
      'crm',
      [
        'name: crm',
        'description: A CRM.',
        'baseUrl: http://crm.example.com',
        'auth:',
        '  kind: oauth2-client-credentials',
        '  tokenEndpoint: https://crm.example.com/token',
        '  password: hunter2',
        'deliver:',
        '  - event: support.ticket.opened',
        '    path: /cases',
        '    fields: { Title: data.title.__proto__x, Id: env.SECRET }',
      ].join('\n'),
    );
    await expect(loadConnectors(dir)).rejects.toMatchObject({ code: 'WOW_ERR_CONNECTOR_INVALID' });
    const message = await loadConnectors(dir).catch((err: unknown) => (err instanceof Error ? err.message : ''));
    expect(message).toMatch(
      /connector\.yml:3:\d+ baseUrl: expected https:\/\/ \(plain http:\/\/ only on a loopback host\)/,
    );
    expect(message).toMatch(/connector\.yml:7:\d+ auth\.password: unknown field/);
    expect(message).toMatch(
      /connector\.yml:11:\d+ deliver\[0\]\.fields\.Id: expected id, type, source, subject, time or data/,
    );
    const renamed = await folderWith(
      'other',
      'name: crm\ndescription: x\nbaseUrl: https://a.example\nauth: { kind: oauth2-refresh-token, tokenEndpoint: https://a.example/t }\n',
    );
    await expect(loadConnectors(renamed)).rejects.toThrow(/"crm" must be the folder's name, "other"/);
  });
});
