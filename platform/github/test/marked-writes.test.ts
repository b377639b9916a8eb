import { describe, expect, it } from 'vitest';
import { createGitHubDouble, doubleAppLogin, type DoubleRepo } from '../../../test/doubles/github-api.ts';
import {
  createGitHubClient,
  findMarkedComment,
  findMarkedIssue,
  getOwnLogin,
  isWowError,
  writeMarkedComment,
  writeMarkedIssue,
} from '../../index.ts';
import { testGitHubPolicy } from '../../testing/index.ts';

const marker = '<!-- test-agent:sticky -->';
const urlOf = (input: string | URL | Request) =>
  typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;

function setUp() {
  const github = createGitHubDouble();
  const widgets: DoubleRepo = { owner: 'acme', repo: 'widgets', dir: '/nonexistent', pulls: [] };
  github.addRepo(widgets);
  const client = createGitHubClient({ auth: 'ghs_token', fetch: github.fetch, policy: testGitHubPolicy });
  const on = { client, owner: 'acme', repo: 'widgets', issue: 1 };
  const writes = () => github.calls.filter((c) => !c.route.startsWith('GET ')).map((c) => c.route);
  return { github, widgets, client, on, writes };
}

describe('marked comments', () => {
  it('creates the comment once, then edits it in place, and leaves it alone when nothing changed', async () => {
    const { github, on, writes } = setUp();
    expect(await writeMarkedComment(on, marker, 'first')).toMatchObject({ created: true, edited: false });
    const [comment] = github.comments;
    expect(comment?.body).toBe(`first\n\n${marker}`);

    expect(await writeMarkedComment(on, marker, 'second')).toEqual({ id: comment?.id, created: false, edited: true });
    expect(await writeMarkedComment(on, marker, 'second')).toEqual({ id: comment?.id, created: false, edited: false });
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]?.body).toBe(`second\n\n${marker}`);
    expect(writes()).toEqual([
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
      'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
    ]);
    expect(github.violations).toEqual([]);
  });

  it('keeps a marker the caller placed inside its text (a text cut to fit GitHub), adding none', async () => {
    const { github, on } = setUp();
    await writeMarkedComment(on, marker, `quoted\n${marker}\n— footer`);
    expect(github.comments[0]?.body).toBe(`quoted\n${marker}\n— footer`);
    expect((await findMarkedComment(on, marker))?.id).toBe(github.comments[0]?.id);
  });

  it("never edits, returns or counts a stranger's copy of the marker", async () => {
    const { github, on } = setUp();
    github.comments.push({ id: 9001, issue: 1, body: `Ignore me. ${marker}`, user: 'mallory' });
    expect(await findMarkedComment(on, marker)).toBeUndefined();

    const written = await writeMarkedComment(on, marker, 'ours');
    expect(written.created).toBe(true);
    await writeMarkedComment(on, marker, 'ours, edited');
    expect(github.comments.find((c) => c.id === 9001)?.body).toBe(`Ignore me. ${marker}`);
    expect(github.comments.filter((c) => c.user === undefined).map((c) => c.body)).toEqual([
      `ours, edited\n\n${marker}`,
    ]);
  });

  it('finds its comment on the third page, reading no further', async () => {
    const { github, on } = setUp();
    for (let i = 0; i < 230; i++)
      github.comments.push({ id: 100 + i, issue: 1, body: `chatter ${i}`, user: 'someone' });
    github.comments.push({ id: 7777, issue: 1, body: `old text\n\n${marker}` });
    for (let i = 0; i < 150; i++) github.comments.push({ id: 400 + i, issue: 1, body: `more ${i}`, user: 'someone' });

    expect(await writeMarkedComment(on, marker, 'new text')).toEqual({ id: 7777, created: false, edited: true });
    expect(github.comments.find((c) => c.id === 7777)?.body).toBe(`new text\n\n${marker}`);
    expect(github.comments).toHaveLength(381);
    const pages = github
      .callsTo('GET /repos/{owner}/{repo}/issues/{issue_number}/comments')
      .map((c) => c.query.get('page') ?? '1');
    expect(pages).toEqual(['1', '2', '3']);
  });

  it('asks who it is once per client, through GraphQL (which answers for App, Action and personal tokens)', async () => {
    const { client, on } = setUp();
    const asked: string[] = [];
    const github = createGitHubDouble();
    github.addRepo({ owner: 'acme', repo: 'widgets', dir: '/nonexistent', pulls: [] });
    const counting = createGitHubClient({
      auth: 'ghs_token',
      policy: testGitHubPolicy,
      fetch: (input, init) => {
        asked.push(new URL(urlOf(input)).pathname);
        return github.fetch(input, init);
      },
    });
    expect(await getOwnLogin(counting)).toBe(doubleAppLogin);
    await writeMarkedComment({ ...on, client: counting }, marker, 'a');
    await writeMarkedComment({ ...on, client: counting }, marker, 'b');
    expect(asked.filter((p) => p === '/graphql')).toHaveLength(1);
    expect(await getOwnLogin(client)).toBe(doubleAppLogin);
  });

  it('writes nothing when GitHub will not say who the client is', async () => {
    const github = createGitHubDouble();
    const client = createGitHubClient({
      auth: 'a-jwt',
      policy: testGitHubPolicy,
      fetch: async (input, init) =>
        new URL(urlOf(input)).pathname === '/graphql'
          ? new Response(
              JSON.stringify({ errors: [{ type: 'FORBIDDEN', message: 'Resource not accessible by integration' }] }),
              {
                status: 200,
                headers: { 'content-type': 'application/json' },
              },
            )
          : github.fetch(input, init),
    });
    const failed = await writeMarkedComment({ client, owner: 'acme', repo: 'widgets', issue: 1 }, marker, 'x').catch(
      (err: unknown) => err,
    );
    expect(isWowError(failed, 'WOW_ERR_GITHUB_LOGIN')).toBe(true);
    expect((failed as Error).message).toContain('Resource not accessible by integration');
    expect(github.calls).toEqual([]);
  });
});

describe('marked issues', () => {
  it('opens the issue once with its labels, then edits title and body in place', async () => {
    const { github, widgets, on, writes } = setUp();
    const issue = { title: 'Incident: a', body: 'slow', labels: ['incident', 'agent:a'] };
    const first = await writeMarkedIssue(on, marker, issue);
    expect(first).toMatchObject({ created: true, edited: false });
    expect(await writeMarkedIssue(on, marker, { ...issue, body: 'slower' })).toEqual({
      number: first.number,
      created: false,
      edited: true,
    });
    expect(await writeMarkedIssue(on, marker, { ...issue, body: 'slower' })).toMatchObject({ edited: false });
    expect(widgets.issues?.map((i) => [i.number, i.title, i.body])).toEqual([
      [first.number, 'Incident: a', `slower\n\n${marker}`],
    ]);
    expect(writes()).toEqual([
      'POST /repos/{owner}/{repo}/issues',
      'PATCH /repos/{owner}/{repo}/issues/{issue_number}',
    ]);
    expect(github.callsTo('GET /repos/{owner}/{repo}/issues')[0]?.query.get('labels')).toBe('incident,agent:a');
    expect(github.violations).toEqual([]);
  });

  it("ignores a stranger's issue carrying the marker, and finds its own past other issues' pages", async () => {
    const { widgets, on } = setUp();
    const at = new Date(0).toISOString();
    widgets.issues = [
      { number: 1, title: 'ours', body: `ours\n${marker}`, state: 'closed', state_reason: 'completed', created_at: at },
      ...Array.from({ length: 120 }, (_, i) => ({
        number: 2 + i,
        title: `other ${i}`,
        body: i === 60 ? `copied ${marker}` : 'nothing',
        user: 'mallory',
        state: 'open' as const,
        state_reason: null,
        created_at: at,
      })),
    ];
    expect(await findMarkedIssue(on, marker)).toEqual({ number: 1, title: 'ours', body: `ours\n${marker}` });
  });
});
