import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createGitHubDouble } from '../../../test/doubles/github-api.ts';
import { createGitHubPort } from '../../index.ts';
import { testGitHubPolicy } from '../../testing/index.ts';

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const repo = { owner: 'acme', repo: 'widgets' };
// Issues are kept in the double's memory; no git is read, so the folder need not exist.
const portOn = (double: ReturnType<typeof createGitHubDouble>) => {
  double.addRepo({ ...repo, dir: '/nonexistent', pulls: [] });
  return createGitHubPort({
    credentials: { appId: '1', privateKey, apiUrl: 'https://api.github.com' },
    fetch: double.fetch,
    policy: testGitHubPolicy,
  });
};

describe("an agent's GitHub: installation tokens limited to its capabilities", () => {
  it('asks GitHub for a token with only the granted permissions, and GitHub refuses the rest', async () => {
    const double = createGitHubDouble();
    const client = portOn(double).withPermissions({ issues: 'write' }).forInstallation(7);

    await client.request('POST /repos/{owner}/{repo}/issues', { ...repo, title: 'Allowed' });
    const refused = await client
      .request('POST /repos/{owner}/{repo}/check-runs', { ...repo, name: 'WowVision', head_sha: 'a'.repeat(40) })
      .catch((err: unknown) => err as { status?: number; message?: string });
    expect(refused).toMatchObject({ status: 403 });
    expect((refused as { message?: string }).message).toContain('Resource not accessible by integration');

    const minted = double.callsTo('POST /app/installations/{installation_id}/access_tokens');
    expect(minted.map((c) => c.body)).toEqual([{ permissions: { metadata: 'read', issues: 'write' } }]);
    expect(double.checkRuns).toEqual([]);
    expect(double.violations).toEqual([]);
  });

  it('reads with a read grant but cannot write with it', async () => {
    const double = createGitHubDouble();
    const client = portOn(double).withPermissions({ issues: 'read' }).forInstallation(7);
    await client.request('GET /repos/{owner}/{repo}/issues', repo);
    await expect(client.request('POST /repos/{owner}/{repo}/issues', { ...repo, title: 'No' })).rejects.toMatchObject({
      status: 403,
    });
  });

  it('cannot reach past the App: a permission the installation lacks gets no token at all', async () => {
    const double = createGitHubDouble();
    const client = portOn(double).withPermissions({ administration: 'write' }).forInstallation(7);
    await expect(client.request('GET /repos/{owner}/{repo}', repo)).rejects.toMatchObject({ status: 422 });
  });

  it("keeps the platform's own clients on the App's whole grant, each grant set on its own tokens", async () => {
    const double = createGitHubDouble();
    const port = portOn(double);
    await port
      .forInstallation(7)
      .request('POST /repos/{owner}/{repo}/check-runs', { ...repo, name: 'WowVision', head_sha: 'b'.repeat(40) });
    await port.withPermissions({ checks: 'write' }).forInstallation(7).request('GET /repos/{owner}/{repo}', repo);
    const minted = double.callsTo('POST /app/installations/{installation_id}/access_tokens').map((c) => c.body);
    expect(minted).toEqual([undefined, { permissions: { metadata: 'read', checks: 'write' } }]);
    expect(double.tokens.map((t) => t.permissions)).toEqual([
      double.appPermissions,
      { metadata: 'read', checks: 'write' },
    ]);
  });
});
