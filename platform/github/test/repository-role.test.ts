import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createGitHubDouble } from '../../../test/doubles/github-api.ts';
import { createGitHubPort, getRepositoryRole, hasRepositoryRole } from '../../index.ts';
import { testGitHubPolicy } from '../../testing/index.ts';

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

describe('getRepositoryRole', () => {
  const double = createGitHubDouble();
  double.roles
    .set('octo-admin', 'admin')
    .set('octo-triage', 'triage')
    .set('octo-maintain', 'maintain')
    .set('ghost', 'none');
  const github = createGitHubPort({
    credentials: { appId: '1', privateKey, apiUrl: 'https://api.github.com' },
    fetch: double.fetch,
    policy: testGitHubPolicy,
  }).forInstallation(7);
  const repo = { owner: 'acme', repo: 'widgets' };

  it('reads triage and maintain from role_name, which the legacy permission folds away', async () => {
    expect(await getRepositoryRole(github, repo, 'octo-triage')).toBe('triage');
    expect(await getRepositoryRole(github, repo, 'octo-maintain')).toBe('maintain');
    expect(await getRepositoryRole(github, repo, 'octo-admin')).toBe('admin');
    expect(double.violations).toEqual([]);
  });

  it('gives a stranger read and an unknown user none', async () => {
    expect(await getRepositoryRole(github, repo, 'stranger')).toBe('read');
    expect(await getRepositoryRole(github, repo, 'ghost')).toBe('none');
  });

  it('orders roles weakest first', () => {
    expect(hasRepositoryRole('triage', 'triage')).toBe(true);
    expect(hasRepositoryRole('read', 'triage')).toBe(false);
    expect(hasRepositoryRole('admin', 'write')).toBe(true);
    expect(hasRepositoryRole('none', 'read')).toBe(false);
  });
});
