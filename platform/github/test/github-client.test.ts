import { describe, expect, it } from 'vitest';
import { createGitHubDouble, type GitHubDouble } from '../../../test/doubles/github-api.ts';
import {
  createGitHubClient,
  createLogger,
  createMetrics,
  decideRateLimitRetry,
  defaultGitHubRequestPolicy,
  type GitHubClientOptions,
} from '../../index.ts';

const repo = { owner: 'acme', repo: 'widgets' };
const commentsRoute = 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments';

/** A double with `count` comments on issue 1, and each request's time and headers as sent. */
function setUp(count = 0) {
  const github = createGitHubDouble();
  github.addRepo({ ...repo, dir: '/nonexistent', pulls: [] });
  for (let i = 0; i < count; i++)
    github.comments.push({ id: 100 + i, issue: 1, body: `comment ${i}`, user: 'someone' });
  const sent: { at: number; url: string; headers: Headers }[] = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    sent.push({ at: performance.now(), url: urlOf(input), headers: new Headers(init?.headers) });
    return github.fetch(input, init);
  };
  const warnings: { msg: string; fields: Record<string, unknown> }[] = [];
  const log = createLogger('warn');
  log.warn = ((fields: Record<string, unknown>, msg: string) => void warnings.push({ fields, msg })) as typeof log.warn;
  const client = (opts: Partial<GitHubClientOptions> = {}) =>
    createGitHubClient({ auth: 'ghs_token', fetch, log, policy: { secondMs: 20 }, ...opts });
  return { github, sent, warnings, client };
}

const urlOf = (input: string | URL | Request) =>
  typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
const gap = (sent: { at: number }[], i: number) => (sent[i]?.at ?? 0) - (sent[i - 1]?.at ?? 0);
const routes = (github: GitHubDouble) => github.calls.map((c) => c.route);

describe('a GitHub client', () => {
  it('acts with a plain token, as an Action or `wow deploy` gives it', async () => {
    const { client, sent } = setUp();
    await client().request('GET /repos/{owner}/{repo}', repo);
    expect(sent[0]?.headers.get('authorization')).toBe('token ghs_token');
    expect(sent[0]?.url).toBe('https://api.github.com/repos/acme/widgets');
  });

  it("follows GitHub's Link header through every page, and stops early when told", async () => {
    const { github, client } = setUp(250);
    const all = await client().paginate(commentsRoute, { ...repo, issue_number: 1, per_page: 100 });
    expect(all.map((c) => c.id)).toEqual(Array.from({ length: 250 }, (_, i) => 100 + i));
    expect(github.calls.map((c) => c.query.get('page'))).toEqual([null, '2', '3']);

    github.calls.length = 0;
    const first = await client().paginate(commentsRoute, { ...repo, issue_number: 1, per_page: 100 }, (r, done) => {
      done();
      return r.data.map((c) => c.id);
    });
    expect(first).toHaveLength(100);
    expect(github.calls).toHaveLength(1);
    expect(github.violations).toEqual([]);
  });

  it('waits out a secondary rate limit (403) for its retry-after, then sends the request again', async () => {
    const { github, client, sent, warnings } = setUp();
    github.failNext('secondary-rate-limit', { retryAfter: 1 });
    const { data } = await client().request('GET /repos/{owner}/{repo}', repo);
    expect(data.full_name).toBe('acme/widgets');
    expect(routes(github)).toEqual(['GET /repos/{owner}/{repo}', 'GET /repos/{owner}/{repo}']);
    // retry-after: 1 is one second, 20 ms in this test's policy; never sooner.
    expect(gap(sent, 1)).toBeGreaterThanOrEqual(20);
    expect(warnings).toEqual([
      {
        msg: 'GitHub secondary rate limit on GET /repos/{owner}/{repo}: retrying in 1 s',
        fields: { route: 'GET /repos/{owner}/{repo}', retryAfterSeconds: 1, retryCount: 0, retry: true },
      },
    ]);
  });

  it('waits out a 429 with retry-after the same way, and only throttling retries it', async () => {
    const { github, client, sent } = setUp();
    github.failNext('secondary-rate-limit-429', { retryAfter: 2 });
    await client().request('GET /repos/{owner}/{repo}', repo);
    expect(github.calls).toHaveLength(2);
    expect(gap(sent, 1)).toBeGreaterThanOrEqual(40);
  });

  it('waits for the primary limit to reset (x-ratelimit-remaining: 0), then sends the request again', async () => {
    const { github, client, sent, warnings } = setUp();
    github.failNext('rate-limit', { retryAfter: 1 });
    await client().request('GET /repos/{owner}/{repo}', repo);
    expect(github.calls).toHaveLength(2);
    expect(gap(sent, 1)).toBeGreaterThanOrEqual(20);
    expect(warnings[0]?.msg).toMatch(
      /^GitHub primary rate limit on GET \/repos\/\{owner\}\/\{repo\}: retrying in \d s$/,
    );
  });

  it('gives up after its retries: the refusal is the caller’s, to retry later through the bus', async () => {
    const { github, client, warnings } = setUp();
    github.failNext('secondary-rate-limit', { times: 10 });
    await expect(client().request('GET /repos/{owner}/{repo}', repo)).rejects.toMatchObject({ status: 403 });
    expect(github.calls).toHaveLength(1 + defaultGitHubRequestPolicy.rateLimitRetries);
    expect(warnings.at(-1)?.msg).toContain('retried 2 time(s) already');
  });

  it('does not wait longer than its policy allows for a limit to lift', async () => {
    const { github, client } = setUp();
    github.failNext('rate-limit', { retryAfter: 3600 });
    await expect(client().request('GET /repos/{owner}/{repo}', repo)).rejects.toMatchObject({ status: 403 });
    expect(github.calls).toHaveLength(1);
  });

  it('retries an answer of 502 a bounded number of times', async () => {
    const { github, client } = setUp();
    github.failNext('bad-gateway');
    expect((await client().request('GET /repos/{owner}/{repo}', repo)).status).toBe(200);
    expect(github.calls).toHaveLength(2);

    github.calls.length = 0;
    github.failNext('bad-gateway', { times: 10 });
    await expect(client().request('GET /repos/{owner}/{repo}', repo)).rejects.toMatchObject({ status: 502 });
    expect(github.calls).toHaveLength(1 + defaultGitHubRequestPolicy.serverErrorRetries);
  });

  it('never sends a creating POST twice after a 502 (GitHub may have made it), but does retry GraphQL reads', async () => {
    const { github, client, sent } = setUp();
    github.failNext('bad-gateway');
    await expect(
      client().request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        ...repo,
        issue_number: 1,
        body: 'hi',
      }),
    ).rejects.toMatchObject({ status: 502 });
    expect(github.comments).toHaveLength(0);
    expect(github.calls).toHaveLength(1);

    sent.length = 0;
    github.failNext('bad-gateway');
    const answer: { data: unknown } = await client().request('POST /graphql', { query: 'query { viewer { login } }' });
    expect(answer.data).toEqual({ data: { viewer: { login: 'wowvision[bot]' } } });
    expect(sent.map((s) => s.url)).toEqual(['https://api.github.com/graphql', 'https://api.github.com/graphql']);
  });

  it('takes any other 4xx as final', async () => {
    const { github, client } = setUp();
    await expect(
      client().request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'nothing' }),
    ).rejects.toMatchObject({ status: 404 });
    expect(github.calls).toHaveLength(1);
  });

  it('paces writes one GitHub second apart, as GitHub asks of integrators', async () => {
    const { github, client, sent } = setUp();
    // A second of 100 ms: unpaced, two writes sent together leave within a millisecond or two.
    const writer = client({ policy: { secondMs: 100 } });
    await Promise.all(
      [1, 2]
        .map((n) =>
          writer.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
            ...repo,
            comment_id: n,
            body: 'edited',
          }),
        )
        .map((p) => p.catch(() => undefined)),
    );
    expect(github.calls).toHaveLength(2);
    expect(gap(sent, 1)).toBeGreaterThanOrEqual(50);
  });

  it('counts each exchange in /metrics by method, templated route and status, never by URL', async () => {
    const { github, client } = setUp(250);
    const metrics = createMetrics({ defaultMetrics: false });
    const counted = client({ observer: metrics.github });
    await counted.paginate(commentsRoute, { ...repo, issue_number: 1, per_page: 100 });
    github.failNext('bad-gateway');
    github.failNext('secondary-rate-limit');
    await counted.request('GET /repos/{owner}/{repo}', repo);
    await counted.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'nothing' }).catch(() => undefined);

    const text = await metrics.metricsText();
    const line = (name: string, labels: string) =>
      text
        .split('\n')
        .find((l) => l.startsWith(`${name}{${labels}}`))
        ?.split(' ')
        .at(-1);
    const comments = 'route="GET /repos/{owner}/{repo}/issues/{issue_number}/comments"';
    const repository = 'route="GET /repos/{owner}/{repo}"';
    expect(line('wow_github_requests_total', `method="GET",${comments},status="200"`)).toBe('3');
    expect(line('wow_github_requests_total', `method="GET",${repository},status="502"`)).toBe('1');
    expect(line('wow_github_requests_total', `method="GET",${repository},status="403"`)).toBe('1');
    expect(line('wow_github_requests_total', `method="GET",${repository},status="200"`)).toBe('1');
    expect(line('wow_github_requests_total', `method="GET",${repository},status="404"`)).toBe('1');
    expect(line('wow_github_request_duration_seconds_count', `method="GET",${comments}`)).toBe('3');
    expect(line('wow_github_rate_limited_total', 'kind="secondary",retried="true"')).toBe('1');
    // Bounded labels: no owner, number, page or host ever becomes one.
    expect(text).not.toMatch(/acme|widgets|page=|api\.github\.com/);
  });
});

describe('the production policy', () => {
  const decide = (kind: 'primary' | 'secondary', retryAfterSeconds: number, retryCount: number) =>
    decideRateLimitRetry({ kind, retryAfterSeconds, retryCount }).retry;

  it("waits GitHub's seconds as seconds", () => {
    expect(defaultGitHubRequestPolicy.secondMs).toBe(1000);
  });

  it('retries a secondary limit after its retry-after (or the minute GitHub asks for without one), twice at most', () => {
    expect(decide('secondary', 1, 0)).toBe(true);
    expect(decide('secondary', 60, 1)).toBe(true);
    expect(decide('secondary', 60, 2)).toBe(false);
  });

  it('waits for a primary reset up to five minutes away, and leaves a later one to the bus', () => {
    expect(decide('primary', 300, 0)).toBe(true);
    expect(decide('primary', 301, 0)).toBe(false);
    expect(decideRateLimitRetry({ kind: 'primary', retryAfterSeconds: 3600, retryCount: 0 }).why).toBe(
      'the limit lifts in 3600 s, longer than the 300 s a call waits',
    );
  });

  it('retries a 5xx three times', () => {
    expect(defaultGitHubRequestPolicy.serverErrorRetries).toBe(3);
  });
});
