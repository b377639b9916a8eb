import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubPort, type Store } from '#platform';
import { testGitHubPolicy } from '#platform/testing';
import { createGitHubDouble, type DoubleRepo, type GitHubDouble } from '../../../test/doubles/github-api.ts';
import { storeBackends } from '../../../test/support/test-stores.ts';
import { closeErrorIssue, openErrorIssue } from '../src/playbooks/error-issue.ts';
import type { IncidentGitHub } from '../src/playbooks/playbook-audit.ts';

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const [postgres] = storeBackends('errorissue', { poolMax: 4 });

describe('the issue of an error no incident covers (PostgreSQL, the GitHub double)', () => {
  let store: Store;
  let close: () => Promise<void>;
  let github: GitHubDouble;
  let repo: DoubleRepo;
  let on: NonNullable<IncidentGitHub>;

  beforeAll(async () => {
    if (postgres === undefined) throw new Error('no PostgreSQL backend');
    ({ store, close } = await postgres.open());
    github = createGitHubDouble();
    repo = { owner: 'acme', repo: 'support', dir: tmpdir(), pulls: [] };
    github.addRepo(repo);
    const port = createGitHubPort({
      credentials: { appId: '1', privateKey, apiUrl: 'https://api.github.com' },
      fetch: github.fetch,
      policy: testGitHubPolicy,
    });
    on = { client: await port.forRepository('acme', 'support'), owner: 'acme', repo: 'support' };
  }, 60_000);
  afterAll(async () => {
    await close();
  });

  const trouble = (code: string, sample: Record<string, string> = {}) => ({
    incidentId: randomUUID(),
    agent: 'mailer',
    kind: 'error' as const,
    code,
    eventType: 'support.ticket.opened',
    figures: sample,
  });

  it('opens one issue per open cause: a burst of the same error shares it, until it closes', async () => {
    const first = trouble('WOW_ERR_X', { message: 'a `tick` | and a pipe' });
    const issue = await openErrorIssue(store, on, first, new Date());
    expect(repo.issues).toHaveLength(1);
    expect(repo.issues?.[0]).toMatchObject({ number: issue, title: 'Error: mailer failed with WOW_ERR_X' });
    // What the platform sampled lands as code, its backticks and pipes made harmless.
    expect(repo.issues?.[0]?.body).toContain("| `message` | `a 'tick' ' and a pipe` |");
    // A redelivery of the same error, and another of the same kind, write on the same issue.
    expect(await openErrorIssue(store, on, first, new Date())).toBe(issue);
    const second = trouble('WOW_ERR_X');
    expect(await openErrorIssue(store, on, second, new Date())).toBe(issue);
    // Another code is another cause.
    const other = await openErrorIssue(store, on, trouble('WOW_ERR_Y'), new Date());
    expect(other).not.toBe(issue);
    expect(repo.issues).toHaveLength(2);

    await closeErrorIssue(store, on, second.incidentId, 'Restored.', new Date());
    expect(repo.issues?.find((i) => i.number === issue)).toMatchObject({ state: 'closed' });
    expect(github.comments.filter((c) => c.issue === issue).map((c) => c.body)).toEqual([
      expect.stringContaining('Restored.'),
    ]);
    // Closed for both errors written on it: the next one of the kind opens a new issue.
    const { rows } = await store.query<{ closed: boolean }>(
      'select closed_at is not null as closed from support_error_issues where incident_id = any($1::uuid[])',
      [[first.incidentId, second.incidentId]],
    );
    expect(rows).toEqual([{ closed: true }, { closed: true }]);
    const later = await openErrorIssue(store, on, trouble('WOW_ERR_X'), new Date());
    expect(later).not.toBe(issue);
    expect(repo.issues).toHaveLength(3);
    expect(github.violations).toEqual([]);
  });
});
