import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import {
  parseCommit,
  readObject,
  resolveCommit,
  TreeRefused,
  writeCommit,
  writeObject,
  writeTree,
  type TreeChange,
} from './git-objects.ts';
import { graphqlProblems } from './github-graphql.ts';
import { matchOperation, requestProblems, type MatchedOperation } from './github-openapi.ts';

const exec = promisify(execFile);

/**
 * A faithful double of GitHub's REST API for one or more repositories backed by real git
 * repositories on disk: contents, tarballs (`git archive`, as GitHub builds them) and pull
 * request files (`git diff`) come from git. Every request is checked against GitHub's
 * OpenAPI description and GitHub's documented limits; anything off is a violation, and
 * tests assert there are none.
 */
export interface GitHubDouble {
  fetch: typeof fetch;
  /** Requests as sent, in order: "METHOD /template". */
  readonly calls: { route: string; params: Record<string, string>; query: URLSearchParams; body: unknown }[];
  readonly violations: string[];
  readonly checkRuns: CheckRun[];
  /**
   * Issue (and pull request conversation) comments. `user` is the commenter's login; a comment the App posts has
   * none and is listed as the App's bot, so a test writes a person's comment by pushing one with `user`.
   */
  readonly comments: { id: number; issue: number; body: string; user?: string }[];
  /** Pull request review comments, inline or file-level; `resolved` is their thread's state. */
  readonly reviewComments: ReviewComment[];
  /**
   * Reviews as submitted: body, event (APPROVE, REQUEST_CHANGES, COMMENT) and how many inline comments came with
   * them. `GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews` answers from this list, so a test sets a person's
   * review by pushing one (`user` is the reviewer's login).
   */
  readonly reviews: { pull: number; body: string; event: string; comments: number; user?: string }[];
  /** Deployments as created, with their statuses in order. */
  readonly deployments: Deployment[];
  /** Team members by "org/team": who `GET /orgs/{org}/teams/{team_slug}/memberships/{username}` finds. */
  readonly teams: Map<string, string[]>;
  /** Whether the App holds the organisation permission `members: read`; without it team memberships answer 403, as GitHub does. */
  membersReadable: boolean;
  /**
   * Roles on every repository of the double, by login, as `GET /repos/{owner}/{repo}/collaborators/{username}/permission`
   * answers them. A login not listed is a stranger: `read`, as on a public repository; a login listed as `none` is not a
   * GitHub user (404).
   */
  readonly roles: Map<string, 'none' | 'read' | 'triage' | 'write' | 'maintain' | 'admin'>;
  /** Answer writes as GitHub does for a fork pull request's read-only GITHUB_TOKEN. */
  readOnly: boolean;
  /** What the App is granted on its installations (app.yml's `default_permissions`). */
  appPermissions: Record<string, 'read' | 'write'>;
  /**
   * Installation tokens as minted, with the permissions each carries. A token asked for with
   * a `permissions` subset carries only those, and a request it authorizes outside them is
   * refused as GitHub refuses it (403, "Resource not accessible by integration").
   */
  readonly tokens: { token: string; installationId: number; permissions: Record<string, 'read' | 'write'> }[];
  /**
   * Answers the next `times` requests (to `route`, when given) as GitHub does under load,
   * before anything else is looked at: a secondary rate limit (403, or 429, with its
   * message and `retry-after`), the primary limit spent (403 with `x-ratelimit-remaining: 0`
   * and the reset `retryAfter` seconds away), or a 502. Each such request is in `calls`.
   */
  failNext(trouble: DoubleTrouble, opts?: { route?: string; times?: number; retryAfter?: number }): void;
  /**
   * The App's OAuth client, for the web flow GitHub documents ("Generating a user access
   * token for a GitHub App"): `GET github.com/login/oauth/authorize` sends the person signed
   * in (`signedIn`) back to `redirect_uri` with a code and the state, and
   * `POST github.com/login/oauth/access_token` exchanges the code once, within 10 minutes,
   * for a user token that `GET /user` answers for. Refusals are GitHub's: HTTP 200 with
   * `error` (bad_verification_code, incorrect_client_credentials, redirect_uri_mismatch).
   */
  oauth: { clientId: string; clientSecret: string; signedIn: string | undefined };
  /** The user tokens the web flow issued, by token. */
  readonly userTokens: Map<string, string>;
  addRepo(repo: DoubleRepo): void;
  callsTo(route: string): GitHubDouble['calls'];
}

export type DoubleTrouble = 'secondary-rate-limit' | 'secondary-rate-limit-429' | 'rate-limit' | 'bad-gateway';

/** The login the double's App writes as: what it lists as the author of its comments and issues, and GraphQL's `viewer`. */
export const doubleAppLogin = 'wowvision[bot]';

export interface DoubleRepo {
  owner: string;
  repo: string;
  /** A git repository on disk. */
  dir: string;
  /** `author` is the login that opened the pull request (default octocat). */
  pulls: {
    number: number;
    head: string;
    base: string;
    headRef?: string;
    title?: string;
    body?: string;
    state?: 'open' | 'closed';
    labels?: string[];
    author?: string;
  }[];
  /** Default: main. */
  defaultBranch?: string;
  /** Labels added to issues and pull requests, by number. */
  labels?: Map<number, string[]>;
  /** Issues (not pull requests) created through the API; numbers are shared with pulls, as on GitHub. */
  issues?: DoubleIssue[];
  /** The App's installation on this repository. Default: 7. */
  installationId?: number;
}

export interface DoubleIssue {
  number: number;
  /** The login that opened it; the App's own (`doubleAppLogin`) when absent. */
  user?: string;
  title: string;
  body: string;
  state: 'open' | 'closed';
  state_reason: string | null;
  created_at: string;
}

export interface Deployment {
  id: number;
  ref: string;
  sha: string;
  task: string;
  environment: string;
  payload: unknown;
  statuses: { state: string; description: string; environment: string; log_url?: string }[];
}

export interface ReviewComment {
  id: number;
  pull: number;
  /** The commenter's login; the App's own comments have none and are listed as its bot. */
  user?: string;
  path: string;
  line: number | undefined;
  subject_type: 'line' | 'file';
  body: string;
  in_reply_to_id?: number;
  resolved: boolean;
}

export interface CheckRun {
  id: number;
  head_sha: string;
  name: string;
  status: string;
  conclusion: string | null;
  external_id: string | null;
  output: { title: string | null; summary: string | null; annotations_count: number };
  annotations: unknown[];
  /** Annotations per request, in order. */
  batches: number[];
}

const limits = { text: 65_535, title: 255, annotations: 50, issueBody: 65_536, issueTitle: 256 };

/** The writes whose `body` (and `title`) GitHub holds to an issue's limits. */
const issueTextRoutes = [
  'POST /repos/{owner}/{repo}/issues',
  'PATCH /repos/{owner}/{repo}/issues/{issue_number}',
  'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
  'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
];

export function createGitHubDouble(): GitHubDouble {
  const repos = new Map<string, DoubleRepo>();
  const troubles: { trouble: DoubleTrouble; route: string | undefined; times: number; retryAfter: number }[] = [];
  /** The trouble the next request to `route` meets, if any is queued for it. */
  const troubleFor = (route: string): Response | undefined => {
    const found = troubles.find((x) => x.route === undefined || x.route === route);
    if (found === undefined) return undefined;
    if (--found.times === 0) troubles.splice(troubles.indexOf(found), 1);
    return troubleAnswer(found.trouble, found.retryAfter);
  };
  const double: GitHubDouble = {
    calls: [],
    violations: [],
    checkRuns: [],
    comments: [],
    reviewComments: [],
    reviews: [],
    deployments: [],
    teams: new Map(),
    roles: new Map(),
    membersReadable: true,
    readOnly: false,
    appPermissions: {
      checks: 'write',
      contents: 'write',
      issues: 'write',
      members: 'read',
      metadata: 'read',
      pull_requests: 'write',
      statuses: 'write',
    },
    tokens: [],
    oauth: {
      clientId: 'Iv23liDoubleClient',
      clientSecret: 'double-client-secret-0123456789abcdef',
      signedIn: undefined,
    },
    userTokens: new Map(),
    failNext: (trouble, opts = {}) =>
      void troubles.push({ trouble, route: opts.route, times: opts.times ?? 1, retryAfter: opts.retryAfter ?? 1 }),
    addRepo: (repo) => void repos.set(`${repo.owner}/${repo.repo}`, repo),
    callsTo: (route) => double.calls.filter((c) => c.route === route),
    fetch: async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      // A real fetch's response says where it came from; Octokit hands that on (paginate reads it).
      return Object.defineProperty(await respond(url, init), 'url', { value: url.href });
    },
  };
  const codes = new Map<
    string,
    { login: string; redirectUri: string | null; challenge: string | null; expires: number }
  >();
  const respond = async (url: URL, init: RequestInit | undefined): Promise<Response> => {
    const method = (init?.method ?? 'GET').toUpperCase();
    if (url.hostname === 'github.com') return oauthWebFlow(double, codes, method, url, init);
    const body = typeof init?.body === 'string' && init.body !== '' ? (JSON.parse(init.body) as unknown) : undefined;
    // An operation's route names its method already ("POST /repos/{owner}/{repo}/issues").
    const trouble = troubleFor(matchOperation(method, url.pathname)?.route ?? `${method} ${url.pathname}`);
    if (trouble !== undefined) {
      const match = matchOperation(method, url.pathname);
      if (match !== undefined)
        double.calls.push({ route: match.route, params: match.params, query: url.searchParams, body });
      return trouble;
    }
    if (method === 'POST' && url.pathname === '/graphql')
      return graphql(double, body as { query?: string; variables?: Record<string, unknown> } | undefined);
    const match = matchOperation(method, url.pathname);
    if (match === undefined) {
      double.violations.push(`${method} ${url.pathname}: GitHub has no such endpoint`);
      return json(404, { message: 'Not Found' });
    }
    const problems = requestProblems(match, url.searchParams, body);
    problems.push(...limitProblems(match.route, body));
    double.violations.push(...problems.map((p) => `${match.route}: ${p}`));
    double.calls.push({ route: match.route, params: match.params, query: url.searchParams, body });
    if (problems.length > 0) return json(422, { message: 'Validation Failed', errors: problems });
    if (match.route === 'POST /app/installations/{installation_id}/access_tokens')
      return mintToken(double, Number(match.params.installation_id), body as { permissions?: Record<string, string> });
    const token = /^token (\S+)$/.exec(new Headers(init?.headers).get('authorization') ?? '')?.[1];
    const carried = double.tokens.find((t) => t.token === token)?.permissions;
    if (carried !== undefined && !permitted(carried, match, method))
      return json(403, {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest',
        status: '403',
      });
    if (double.readOnly && method !== 'GET')
      return json(403, {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest',
      });
    if (match.route === 'GET /user') {
      const login = double.userTokens.get(
        /^(?:token|bearer) (\S+)$/i.exec(new Headers(init?.headers).get('authorization') ?? '')?.[1] ?? '',
      );
      if (login === undefined)
        return json(401, {
          message: 'Bad credentials',
          documentation_url: 'https://docs.github.com/rest',
          status: '401',
        });
      return json(200, privateUserJson(login));
    }
    const repo = repos.get(`${match.params.owner ?? ''}/${match.params.repo ?? ''}`);
    return answer(
      double,
      url,
      match.route,
      match.params,
      url.searchParams,
      body as Record<string, unknown> | undefined,
      repo,
      new Headers(init?.headers),
    );
  };
  return double;
}

/**
 * An installation token, as GitHub mints one: with the App's whole grant, or the subset
 * asked for; a permission the App does not hold (or a level above it) is refused (422).
 */
function mintToken(
  double: GitHubDouble,
  installationId: number,
  body: { permissions?: Record<string, string> } | undefined,
): Response {
  const asked = body?.permissions;
  const rank = { read: 1, write: 2 } as const;
  const permissions: Record<string, 'read' | 'write'> = {};
  for (const [name, level] of Object.entries(asked ?? double.appPermissions)) {
    const held = double.appPermissions[name];
    if (held === undefined || (level !== 'read' && level !== 'write') || rank[level] > rank[held])
      return json(422, {
        message: 'The permissions requested are not granted to this installation.',
        documentation_url: 'https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app',
        status: '422',
      });
    permissions[name] = level;
  }
  const token = `ghs_double${installationId}_${double.tokens.length + 1}`;
  double.tokens.push({ token, installationId, permissions });
  return json(201, {
    token,
    expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    permissions,
    repository_selection: 'all',
  });
}

/**
 * Which permission an operation needs, from the category GitHub's description files it
 * under (its `x-github` extension), as GitHub's "Permissions required for GitHub Apps" page
 * lists them; reads need read, everything else write. Issue comments and labels work on
 * pull requests too, so either permission serves.
 */
const permissionsByCategory: Record<string, string[]> = {
  'repos/repos': ['metadata'],
  'collaborators/collaborators': ['metadata'],
  'repos/contents': ['contents'],
  'commits/commits': ['contents'],
  git: ['contents'],
  checks: ['checks'],
  issues: ['issues', 'pull_requests'],
  pulls: ['pull_requests'],
  deployments: ['deployments'],
  'teams/members': ['members'],
};

function permitted(carried: Record<string, 'read' | 'write'>, match: MatchedOperation, method: string): boolean {
  const { category = '', subcategory = '' } =
    (match.operation as { 'x-github'?: { category?: string; subcategory?: string } })['x-github'] ?? {};
  const needed = permissionsByCategory[`${category}/${subcategory}`] ?? permissionsByCategory[category];
  if (needed === undefined) return true;
  return needed.some((name) => carried[name] === 'write' || (method === 'GET' && carried[name] === 'read'));
}

function limitProblems(route: string, body: unknown): string[] {
  if (issueTextRoutes.includes(route)) return issueLimitProblems(body);
  if (!route.includes('/check-runs') || body === null || typeof body !== 'object') return [];
  const output = (body as { output?: { title?: string; summary?: string; text?: string; annotations?: unknown[] } })
    .output;
  const problems: string[] = [];
  if ((output?.annotations?.length ?? 0) > limits.annotations)
    problems.push(`No more than 50 items are allowed; ${output?.annotations?.length ?? 0} were supplied`);
  for (const field of ['summary', 'text'] as const)
    if ((output?.[field]?.length ?? 0) > limits.text) problems.push(`output.${field} is longer than 65535 characters`);
  if ((output?.title?.length ?? 0) > limits.title) problems.push('output.title is longer than 255 characters');
  return problems;
}

/** GitHub's words for an issue or comment over its limits, counted in characters (code points). */
function issueLimitProblems(body: unknown): string[] {
  const { title, body: text } = (body ?? {}) as { title?: unknown; body?: unknown };
  const problems: string[] = [];
  if (typeof text === 'string' && Array.from(text).length > limits.issueBody)
    problems.push(`body is too long (maximum is ${limits.issueBody} characters)`);
  if (typeof title === 'string' && Array.from(title).length > limits.issueTitle)
    problems.push(`title is too long (maximum is ${limits.issueTitle} characters)`);
  return problems;
}

/** A text field of a request body ('' when absent or not text). */
const textOf = (value: unknown): string => (typeof value === 'string' ? value : '');

async function answer(
  double: GitHubDouble,
  url: URL,
  route: string,
  params: Record<string, string>,
  query: URLSearchParams,
  body: Record<string, unknown> | undefined,
  repo: DoubleRepo | undefined,
  headers: Headers,
): Promise<Response> {
  const git = async (...args: string[]) => {
    if (repo === undefined) throw new Error('no repo');
    return (await exec('git', args, { cwd: repo.dir, encoding: 'buffer', maxBuffer: 1 << 28 })).stdout;
  };
  const resolve = (ref: string) => (repo === undefined ? Promise.resolve(undefined) : resolveCommit(repo.dir, ref));
  const pull = (n: string | undefined) => repo?.pulls.find((p) => p.number === Number(n));
  const author = {
    author: { name: 'factory[bot]', email: 'factory@example.com' },
    committer: { name: 'GitHub', email: 'noreply@github.com' },
  };
  switch (route) {
    case 'GET /repos/{owner}/{repo}/contents/{path}': {
      if (repo === undefined) return json(404, { message: 'Not Found' });
      const sha = await resolve(query.get('ref') ?? 'HEAD');
      const path = params.path ?? '';
      const found = sha === undefined ? undefined : await readObject(repo.dir, `${sha}:${path}`);
      if (found?.type !== 'blob') return json(404, { message: 'Not Found' });
      const content = found.content;
      return json(200, {
        type: 'file',
        encoding: 'base64',
        size: content.length,
        name: path.split('/').at(-1),
        path,
        content: content.toString('base64'),
        sha: 'blob',
      });
    }
    case 'GET /repos/{owner}/{repo}/tarball/{ref}': {
      const sha = await resolve(params.ref ?? '');
      if (sha === undefined || repo === undefined) return json(404, { message: 'Not Found' });
      const archive = await git(
        'archive',
        '--format=tar.gz',
        `--prefix=${repo.owner}-${repo.repo}-${sha.slice(0, 7)}/`,
        sha,
      );
      return new Response(new Uint8Array(archive), { status: 200, headers: { 'content-type': 'application/x-gzip' } });
    }
    case 'GET /repos/{owner}/{repo}/pulls/{pull_number}/files': {
      const pr = pull(params.pull_number);
      if (pr === undefined) return json(404, { message: 'Not Found' });
      // GitHub lists at most 3,000 files of a pull request, whatever the page.
      return paged(url, (await pullFiles(git, pr)).slice(0, 3000));
    }
    case 'GET /repos/{owner}/{repo}/compare/{base}...{head}': {
      // The files changed since the merge base of the two, as `git diff base...head` lists them.
      const [from, to] = [await resolve(params.base ?? ''), await resolve(params.head ?? '')];
      if (repo === undefined || from === undefined || to === undefined) return json(404, { message: 'Not Found' });
      const files = await pullFiles(git, { number: 0, base: from, head: to });
      // "<behind>\t<ahead>": the commits only the base has, then those only the head has.
      const [behind = 0, ahead = 0] = (await git('rev-list', '--left-right', '--count', `${from}...${to}`))
        .toString()
        .trim()
        .split('\t')
        .map(Number);
      const api = `https://api.github.com/repos/${repo.owner}/${repo.repo}`;
      return json(200, {
        url: `${api}/compare/${params.base ?? ''}...${params.head ?? ''}`,
        html_url: `https://github.com/${repo.owner}/${repo.repo}/compare/${params.base ?? ''}...${params.head ?? ''}`,
        status: ahead > 0 && behind > 0 ? 'diverged' : ahead > 0 ? 'ahead' : behind > 0 ? 'behind' : 'identical',
        ahead_by: ahead,
        behind_by: behind,
        total_commits: ahead,
        commits: [],
        // GitHub lists at most 300 files of a comparison.
        files: files.slice(0, 300),
      });
    }
    case 'GET /repos/{owner}/{repo}/pulls/{pull_number}': {
      const pr = pull(params.pull_number);
      // The full pull request counts every changed file, beyond the 3,000 its files list shows.
      return pr === undefined
        ? json(404, { message: 'Not Found' })
        : json(200, { ...(await pullJson(pr, resolve)), changed_files: (await pullFiles(git, pr)).length });
    }
    case 'GET /repos/{owner}/{repo}/pulls': {
      const head = query.get('head');
      const state = query.get('state') ?? 'open';
      const found = (repo?.pulls ?? []).filter(
        (p) =>
          (head === null || `${repo?.owner ?? ''}:${p.headRef ?? ''}` === head) &&
          (state === 'all' || (p.state ?? 'open') === state),
      );
      return paged(url, await Promise.all(found.map((p) => pullJson(p, resolve))));
    }
    case 'GET /repos/{owner}/{repo}':
      return repo === undefined
        ? json(404, { message: 'Not Found' })
        : json(200, {
            id: 1,
            name: repo.repo,
            full_name: `${repo.owner}/${repo.repo}`,
            owner: { login: repo.owner },
            default_branch: repo.defaultBranch ?? 'main',
            private: false,
          });
    case 'GET /repos/{owner}/{repo}/git/ref/{ref}': {
      const sha = await resolve(`refs/${params.ref ?? ''}`);
      return sha === undefined
        ? json(404, { message: 'Not Found' })
        : json(200, { ref: `refs/${params.ref ?? ''}`, object: { sha, type: 'commit' } });
    }
    case 'GET /repos/{owner}/{repo}/git/commits/{commit_sha}': {
      const sha = await resolve(params.commit_sha ?? '');
      const commit = sha === undefined || repo === undefined ? undefined : await readObject(repo.dir, sha);
      if (sha === undefined || commit === undefined) return json(404, { message: 'Not Found' });
      const { tree, parents, message } = parseCommit(commit.content);
      return json(200, { sha, tree: { sha: tree }, parents: parents.map((p) => ({ sha: p })), message });
    }
    case 'GET /repos/{owner}/{repo}/git/blobs/{file_sha}': {
      // By SHA alone, as GitHub answers; a gitlink's SHA names a commit, which is no blob.
      const sha = params.file_sha ?? '';
      const found = /^[0-9a-f]{40}$/.test(sha) && repo !== undefined ? await readObject(repo.dir, sha) : undefined;
      if (found?.type !== 'blob') return json(404, { message: 'Not Found' });
      const content = found.content;
      // application/vnd.github.raw+json asks for the bytes themselves.
      if ((headers.get('accept') ?? '').includes('application/vnd.github.raw'))
        return new Response(new Uint8Array(content), { status: 200, headers: { 'content-type': 'text/plain' } });
      return json(200, {
        sha,
        node_id: `B_${sha}`,
        size: content.length,
        url: '',
        content: content.toString('base64'),
        encoding: 'base64',
      });
    }
    case 'GET /app':
      // The App itself (JWT-authenticated): its comments are written by `${slug}[bot]`.
      return json(200, { id: 1, slug: 'wowvision', node_id: 'A_1', name: 'WowVision', owner: { login: 'waooaw' } });
    case 'POST /repos/{owner}/{repo}/git/blobs': {
      if (repo === undefined) return json(404, { message: 'Not Found' });
      const content = Buffer.from(textOf(body?.content), body?.encoding === 'base64' ? 'base64' : 'utf8');
      return json(201, { sha: await writeObject(repo.dir, 'blob', content), url: '' });
    }
    case 'POST /repos/{owner}/{repo}/git/trees': {
      if (repo === undefined) return json(404, { message: 'Not Found' });
      // base_tree with the entries applied, as GitHub builds the tree; an entry with content is a new blob.
      const changes: TreeChange[] = [];
      for (const entry of (body?.tree ?? []) as { path: string; mode: string; sha?: string | null; content?: string }[])
        changes.push({
          path: entry.path,
          mode: entry.mode,
          sha:
            entry.sha === null
              ? null
              : (entry.sha ?? (await writeObject(repo.dir, 'blob', Buffer.from(entry.content ?? '')))),
        });
      const base = typeof body?.base_tree === 'string' ? body.base_tree : undefined;
      try {
        return json(201, { sha: await writeTree(repo.dir, base, changes), tree: [], truncated: false });
      } catch (err) {
        if (err instanceof TreeRefused) return json(422, { message: err.message });
        throw err;
      }
    }
    case 'POST /repos/{owner}/{repo}/git/commits': {
      if (repo === undefined) return json(404, { message: 'Not Found' });
      const parents = (body?.parents ?? []) as string[];
      const commit = { tree: String(body?.tree), parents, message: textOf(body?.message), ...author };
      try {
        const sha = await writeCommit(repo.dir, commit);
        return json(201, {
          sha,
          tree: { sha: body?.tree },
          parents: parents.map((p) => ({ sha: p })),
          message: body?.message,
        });
      } catch (err) {
        if (err instanceof TreeRefused) return json(422, { message: err.message });
        throw err;
      }
    }
    case 'POST /repos/{owner}/{repo}/git/refs': {
      const ref = textOf(body?.ref);
      if ((await resolve(ref)) !== undefined) return json(422, { message: 'Reference already exists' });
      await git('update-ref', ref, String(body?.sha));
      return json(201, { ref, object: { sha: body?.sha, type: 'commit' } });
    }
    case 'PATCH /repos/{owner}/{repo}/git/refs/{ref}': {
      const ref = `refs/${params.ref ?? ''}`;
      const old = await resolve(ref);
      if (old === undefined) return json(422, { message: 'Reference does not exist' });
      const fastForward = await git('merge-base', '--is-ancestor', old, String(body?.sha)).then(
        () => true,
        () => false,
      );
      if (!fastForward && body?.force !== true) return json(422, { message: 'Update is not a fast forward' });
      await git('update-ref', ref, String(body?.sha));
      return json(200, { ref, object: { sha: body?.sha, type: 'commit' } });
    }
    case 'POST /repos/{owner}/{repo}/pulls': {
      if (repo === undefined) return json(404, { message: 'Not Found' });
      const headRef = textOf(body?.head).replace(/^[^:]+:/, '');
      if (repo.pulls.some((p) => p.headRef === headRef && (p.state ?? 'open') === 'open'))
        return json(422, {
          message: 'Validation Failed',
          errors: [{ message: `A pull request already exists for ${repo.owner}:${headRef}.` }],
        });
      const pr = {
        number: 100 + repo.pulls.length + 1,
        head: `refs/heads/${headRef}`,
        base: String(body?.base),
        headRef,
        title: textOf(body?.title),
        body: textOf(body?.body),
        state: 'open' as const,
      };
      repo.pulls.push(pr);
      return json(201, await pullJson(pr, resolve));
    }
    case 'PATCH /repos/{owner}/{repo}/pulls/{pull_number}': {
      const pr = pull(params.pull_number);
      if (pr === undefined) return json(404, { message: 'Not Found' });
      if (typeof body?.title === 'string') pr.title = body.title;
      if (typeof body?.body === 'string') pr.body = body.body;
      if (body?.state === 'closed' || body?.state === 'open') pr.state = body.state;
      return json(200, await pullJson(pr, resolve));
    }
    case 'POST /repos/{owner}/{repo}/issues/{issue_number}/labels': {
      if (repo === undefined) return json(404, { message: 'Not Found' });
      repo.labels ??= new Map();
      const n = Number(params.issue_number);
      const labels = [...new Set([...(repo.labels.get(n) ?? []), ...((body?.labels ?? []) as string[])])];
      repo.labels.set(n, labels);
      return json(
        200,
        labels.map((name, i) => ({ id: i + 1, name })),
      );
    }
    case 'GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls':
      // Heads pushed to forks are not associated with the base repository's commits.
      return json(200, []);
    case 'GET /repos/{owner}/{repo}/commits/{ref}/check-runs': {
      const runs = double.checkRuns.filter(
        (r) => r.head_sha === params.ref && (query.get('check_name') === null || r.name === query.get('check_name')),
      );
      return json(200, { total_count: runs.length, check_runs: runs.map(runJson) });
    }
    case 'POST /repos/{owner}/{repo}/check-runs': {
      const output = body?.output as { title?: string; summary?: string; annotations?: unknown[] } | undefined;
      const run: CheckRun = {
        id: double.checkRuns.length + 1,
        head_sha: String(body?.head_sha),
        name: String(body?.name),
        status:
          typeof body?.conclusion === 'string'
            ? 'completed'
            : typeof body?.status === 'string'
              ? body.status
              : 'queued',
        conclusion: typeof body?.conclusion === 'string' ? body.conclusion : null,
        external_id: typeof body?.external_id === 'string' ? body.external_id : null,
        output: {
          title: output?.title ?? null,
          summary: output?.summary ?? null,
          annotations_count: output?.annotations?.length ?? 0,
        },
        annotations: [...(output?.annotations ?? [])],
        batches: output?.annotations === undefined ? [] : [output.annotations.length],
      };
      double.checkRuns.push(run);
      return json(201, runJson(run));
    }
    case 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}': {
      const run = double.checkRuns.find((r) => r.id === Number(params.check_run_id));
      if (run === undefined) return json(404, { message: 'Not Found' });
      const output = body?.output as { title?: string; summary?: string; annotations?: unknown[] } | undefined;
      if (typeof body?.conclusion === 'string') {
        run.conclusion = body.conclusion;
        run.status = 'completed';
      } else if (typeof body?.status === 'string') run.status = body.status;
      if (output !== undefined) {
        run.output = {
          title: output.title ?? run.output.title,
          summary: output.summary ?? run.output.summary,
          annotations_count: run.annotations.length + (output.annotations?.length ?? 0),
        };
        if (output.annotations !== undefined) {
          run.annotations.push(...output.annotations); // GitHub appends annotations on each update.
          run.batches.push(output.annotations.length);
        }
      }
      return json(200, runJson(run));
    }
    case 'GET /repos/{owner}/{repo}/installation':
      return repo === undefined
        ? json(404, { message: 'Not Found' })
        : json(200, {
            id: repo.installationId ?? 7,
            app_id: 1,
            account: { login: repo.owner },
            target_type: 'Organization',
          });
    case 'POST /repos/{owner}/{repo}/issues': {
      if (repo === undefined) return json(404, { message: 'Not Found' });
      repo.issues ??= [];
      const number = Math.max(0, ...repo.pulls.map((p) => p.number), ...repo.issues.map((i) => i.number)) + 1;
      const issue: DoubleIssue = {
        number,
        title: textOf(body?.title),
        body: textOf(body?.body),
        state: 'open',
        state_reason: null,
        created_at: new Date().toISOString(),
      };
      repo.issues.push(issue);
      repo.labels ??= new Map();
      repo.labels.set(number, [...new Set((body?.labels ?? []) as string[])]);
      return json(201, issueJson(repo, issue));
    }
    case 'GET /repos/{owner}/{repo}/issues': {
      if (repo === undefined) return json(404, { message: 'Not Found' });
      const state = query.get('state') ?? 'open';
      const wanted = (query.get('labels') ?? '').split(',').filter(Boolean);
      const found = (repo.issues ?? [])
        .filter(
          (i) => (state === 'all' || i.state === state) && wanted.every((l) => repo.labels?.get(i.number)?.includes(l)),
        )
        .sort((a, b) => (query.get('direction') === 'asc' ? a.number - b.number : b.number - a.number));
      return paged(
        url,
        found.map((i) => issueJson(repo, i)),
      );
    }
    case 'GET /repos/{owner}/{repo}/issues/{issue_number}': {
      const issue = repo?.issues?.find((i) => i.number === Number(params.issue_number));
      return repo === undefined || issue === undefined
        ? json(404, { message: 'Not Found' })
        : json(200, issueJson(repo, issue));
    }
    case 'PATCH /repos/{owner}/{repo}/issues/{issue_number}': {
      const issue = repo?.issues?.find((i) => i.number === Number(params.issue_number));
      if (repo === undefined || issue === undefined) return json(404, { message: 'Not Found' });
      if (typeof body?.title === 'string') issue.title = body.title;
      if (typeof body?.body === 'string') issue.body = body.body;
      if (body?.state === 'closed' || body?.state === 'open') {
        issue.state = body.state;
        issue.state_reason = body.state === 'closed' ? textOf(body.state_reason) || 'completed' : 'reopened';
      }
      if (Array.isArray(body?.labels))
        (repo.labels ??= new Map()).set(issue.number, [...new Set(body.labels as string[])]);
      return json(200, issueJson(repo, issue));
    }
    case 'PUT /repos/{owner}/{repo}/issues/{issue_number}/labels': {
      if (repo === undefined) return json(404, { message: 'Not Found' });
      const labels = [...new Set((body?.labels ?? []) as string[])];
      (repo.labels ??= new Map()).set(Number(params.issue_number), labels);
      return json(
        200,
        labels.map((name, i) => ({ id: i + 1, name })),
      );
    }
    case 'GET /orgs/{org}/teams/{team_slug}/memberships/{username}': {
      if (!double.membersReadable)
        return json(403, {
          message: 'Resource not accessible by integration',
          documentation_url: 'https://docs.github.com/rest/teams/members#get-team-membership-for-a-user',
        });
      const members = double.teams.get(`${params.org ?? ''}/${params.team_slug ?? ''}`) ?? [];
      return members.includes(params.username ?? '')
        ? json(200, { role: 'member', state: 'active', url: '' })
        : json(404, { message: 'Not Found' });
    }
    case 'GET /repos/{owner}/{repo}/collaborators/{username}/permission': {
      const login = params.username ?? '';
      const role = double.roles.get(login) ?? 'read';
      if (role === 'none') return json(404, { message: 'Not Found' });
      // The legacy field folds triage into read and maintain into write, as GitHub does.
      const permission = role === 'triage' ? 'read' : role === 'maintain' ? 'write' : role;
      return json(200, {
        permission,
        role_name: role,
        user: {
          login,
          id: 1,
          type: 'User',
          permissions: {
            admin: role === 'admin',
            maintain: role === 'maintain' || role === 'admin',
            push: permission !== 'read',
            triage: role !== 'read',
            pull: true,
          },
        },
      });
    }
    case 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments': {
      const comment = {
        id: 5000 + double.comments.length + 1,
        issue: Number(params.issue_number),
        body: String(body?.body),
      };
      double.comments.push(comment);
      return json(201, issueCommentJson(comment));
    }
    case 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments':
      return paged(url, double.comments.filter((c) => c.issue === Number(params.issue_number)).map(issueCommentJson));
    case 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}': {
      const comment = double.comments.find((c) => c.id === Number(params.comment_id));
      if (comment === undefined) return json(404, { message: 'Not Found' });
      comment.body = String(body?.body);
      return json(200, issueCommentJson(comment));
    }
    case 'GET /repos/{owner}/{repo}/pulls/{pull_number}/comments': {
      const all = double.reviewComments.filter((c) => c.pull === Number(params.pull_number));
      return paged(url, all.map(commentJson));
    }
    case 'PATCH /repos/{owner}/{repo}/pulls/comments/{comment_id}': {
      const comment = double.reviewComments.find((c) => c.id === Number(params.comment_id));
      if (comment === undefined) return json(404, { message: 'Not Found' });
      comment.body = String(body?.body);
      return json(200, commentJson(comment));
    }
    case 'POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews': {
      const pr = pull(params.pull_number);
      if (pr === undefined) return json(404, { message: 'Not Found' });
      const files = await pullFiles(git, pr);
      const comments = (body?.comments ?? []) as { path: string; line: number; body: string }[];
      if (comments.length > 30)
        double.violations.push(
          `${route}: ${comments.length} inline comments in one review (over 30 trips abuse detection)`,
        );
      for (const c of comments) {
        const patch = files.find((f) => f.filename === c.path)?.patch;
        if (patch === undefined || !hunksOf(patch).some((h) => c.line >= h.start && c.line <= h.end)) {
          double.violations.push(
            `${route}: Unprocessable Entity: "pull_request_review_thread.line must be part of the diff" (${c.path}:${c.line})`,
          );
          return json(422, { message: 'Unprocessable Entity', errors: ['Line could not be resolved'] });
        }
      }
      for (const c of comments)
        double.reviewComments.push({
          id: nextCommentId(double),
          pull: pr.number,
          path: c.path,
          line: c.line,
          subject_type: 'line',
          body: c.body,
          resolved: false,
        });
      double.reviews.push({
        pull: pr.number,
        body: typeof body?.body === 'string' ? body.body : '',
        event: typeof body?.event === 'string' ? body.event : 'PENDING',
        comments: comments.length,
      });
      return json(200, {
        id: double.reviews.length,
        body: body?.body,
        state: body?.event === 'COMMENT' ? 'COMMENTED' : 'PENDING',
      });
    }
    case 'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews': {
      const pr = pull(params.pull_number);
      if (pr === undefined) return json(404, { message: 'Not Found' });
      const states: Record<string, string> = {
        APPROVE: 'APPROVED',
        REQUEST_CHANGES: 'CHANGES_REQUESTED',
        COMMENT: 'COMMENTED',
      };
      const found = double.reviews.map((r, i) => ({ ...r, id: i + 1 })).filter((r) => r.pull === pr.number);
      return paged(
        url,
        found.map((r) => ({
          id: r.id,
          node_id: `PRR_${r.id}`,
          user: { ...userJson(r.user), id: r.id },
          body: r.body,
          state: states[r.event] ?? 'PENDING',
          html_url: `https://github.com/pulls/${pr.number}#pullrequestreview-${r.id}`,
          pull_request_url: `https://api.github.com/pulls/${pr.number}`,
          submitted_at: new Date(0).toISOString(),
          commit_id: null,
          author_association: 'MEMBER',
        })),
      );
    }
    case 'POST /repos/{owner}/{repo}/pulls/{pull_number}/comments': {
      const pr = pull(params.pull_number);
      if (pr === undefined) return json(404, { message: 'Not Found' });
      const path = String(body?.path);
      if (!(await pullFiles(git, pr)).some((f) => f.filename === path)) {
        double.violations.push(`${route}: ${path} is not part of the pull request`);
        return json(422, { message: 'Unprocessable Entity' });
      }
      const comment: ReviewComment = {
        id: nextCommentId(double),
        pull: pr.number,
        path,
        line: typeof body?.line === 'number' ? body.line : undefined,
        subject_type: body?.subject_type === 'file' ? 'file' : 'line',
        body: String(body?.body),
        resolved: false,
      };
      double.reviewComments.push(comment);
      return json(201, commentJson(comment));
    }
    case 'POST /repos/{owner}/{repo}/deployments': {
      const ref = textOf(body?.ref);
      const sha = await resolve(ref);
      if (sha === undefined) return json(422, { message: `No ref found for: ${ref}` });
      const deployment: Deployment = {
        id: 5000 + double.deployments.length + 1,
        ref,
        sha,
        task: textOf(body?.task) || 'deploy',
        environment: textOf(body?.environment) || 'production',
        payload: body?.payload ?? {},
        statuses: [],
      };
      double.deployments.push(deployment);
      return json(201, {
        id: deployment.id,
        sha,
        ref,
        task: deployment.task,
        environment: deployment.environment,
        payload: deployment.payload,
        url: `https://api.github.com/repos/${params.owner ?? ''}/${params.repo ?? ''}/deployments/${deployment.id}`,
      });
    }
    case 'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses': {
      const deployment = double.deployments.find((d) => d.id === Number(params.deployment_id));
      if (deployment === undefined) return json(404, { message: 'Not Found' });
      const description = textOf(body?.description);
      if (description.length > 140) double.violations.push(`${route}: description is longer than 140 characters`);
      deployment.statuses.push({
        state: textOf(body?.state),
        description,
        environment: textOf(body?.environment) || deployment.environment,
        ...(typeof body?.log_url === 'string' ? { log_url: body.log_url } : {}),
      });
      return json(201, {
        id: deployment.statuses.length,
        state: body?.state,
        description,
        environment: deployment.environment,
      });
    }
    default:
      double.violations.push(`${route}: the double does not answer it yet`);
      return json(404, { message: 'Not Found' });
  }
}

async function pullJson(pr: DoubleRepo['pulls'][number], resolve: (ref: string) => Promise<string | undefined>) {
  return {
    number: pr.number,
    state: pr.state ?? 'open',
    title: pr.title ?? '',
    body: pr.body ?? '',
    html_url: `https://github.com/pulls/${pr.number}`,
    user: { login: pr.author ?? 'octocat', id: 1, type: 'User' },
    head: { sha: (await resolve(pr.head)) ?? pr.head, ref: pr.headRef ?? 'feature' },
    base: { sha: (await resolve(pr.base)) ?? pr.base, ref: pr.base },
  };
}

/**
 * The files list GitHub serves for a pull request: blob SHA (the head's; the base's for a removed file), status,
 * counts, patch (3 lines of context) and renames. One `git diff` gives every patch, in the order of `--raw`.
 */
async function pullFiles(git: (...args: string[]) => Promise<Buffer>, pr: DoubleRepo['pulls'][number]) {
  // One git: the raw lines (one per file, each starting ':'), a blank line, then the patches in the same order.
  const out = (await git('diff', '--raw', '--no-abbrev', '-M', '-p', `${pr.base}...${pr.head}`)).toString();
  const patches = out.search(/^diff --git /m);
  const entries = (patches === -1 ? out : out.slice(0, patches)).split('\n').filter((line) => line.startsWith(':'));
  const sections = (patches === -1 ? '' : out.slice(patches))
    .split(/^(?=diff --git )/m)
    .filter((section) => section.startsWith('diff --git '));
  const statuses: Record<string, string> = { A: 'added', M: 'modified', D: 'removed', R: 'renamed' };
  return entries.map((entry, i) => {
    // ":100644 100644 <old sha> <new sha> M\tpath", or "… R100\told\tnew" for a rename.
    const [meta = '', first = '', second] = entry.split('\t');
    const [, , oldSha = '', newSha = '', code = 'M'] = meta.split(' ');
    const diff = sections[i] ?? '';
    const at = diff.search(/^@@ /m);
    const patch = at === -1 ? undefined : diff.slice(at).replace(/\n$/, '');
    const lines = patch?.split('\n') ?? [];
    const additions = lines.filter((l) => l.startsWith('+')).length;
    const deletions = lines.filter((l) => l.startsWith('-')).length;
    return {
      sha: code.startsWith('D') ? oldSha : newSha,
      filename: second ?? first,
      status: statuses[code.charAt(0)] ?? 'modified',
      additions,
      deletions,
      changes: additions + deletions,
      blob_url: '',
      raw_url: '',
      contents_url: '',
      ...(second === undefined ? {} : { previous_filename: first }),
      ...(patch === undefined ? {} : { patch }),
    };
  });
}

/** A user as GitHub shows one: a person by login, else the App's bot. */
function userJson(login: string | undefined) {
  return { login: login ?? doubleAppLogin, id: 1, type: login === undefined ? 'Bot' : 'User' };
}

function issueCommentJson(c: GitHubDouble['comments'][number]) {
  return { id: c.id, issue: c.issue, body: c.body, user: userJson(c.user) };
}

/**
 * One page of a list, as GitHub serves it: `per_page` (30 unless asked, at most 100) items
 * of page `page`, and a `Link` header naming the next, last, first and previous pages by
 * the same URL with its `page` changed, which is what clients follow.
 */
function paged(url: URL, items: readonly unknown[]): Response {
  const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
  const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30) || 30));
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const at = (n: number) => {
    const to = new URL(url);
    to.searchParams.set('page', String(n));
    return to.toString();
  };
  const links = [
    ...(page < last ? [`<${at(page + 1)}>; rel="next"`, `<${at(last)}>; rel="last"`] : []),
    ...(page > 1 ? [`<${at(1)}>; rel="first"`, `<${at(page - 1)}>; rel="prev"`] : []),
  ];
  return new Response(JSON.stringify(items.slice((page - 1) * perPage, page * perPage)), {
    status: 200,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      ...(links.length === 0 ? {} : { link: links.join(', ') }),
    },
  });
}

/**
 * GitHub's answers under load, with its bodies and headers
 * (docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api): a secondary
 * limit is a 403 or 429 whose message says so, with `retry-after` in seconds; the primary
 * limit is a 403 with `x-ratelimit-remaining: 0` and `x-ratelimit-reset` in epoch seconds.
 */
function troubleAnswer(trouble: DoubleTrouble, retryAfter: number): Response {
  const reset = Math.floor(Date.now() / 1000) + retryAfter;
  const limits = (remaining: number) => ({
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': String(remaining),
    'x-ratelimit-used': String(5000 - remaining),
    'x-ratelimit-reset': String(reset),
    'x-ratelimit-resource': 'core',
  });
  const requestId = '9B3C:2F1A:5E6D7C:6A7B8C:67505A1B';
  const answer = (status: number, body: object, headers: Record<string, string>) =>
    new Response(JSON.stringify({ ...body, status: String(status) }), {
      status,
      headers: { 'content-type': 'application/json; charset=utf-8', 'x-github-request-id': requestId, ...headers },
    });
  const secondary = {
    message:
      'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ' +
      `If you reach out to GitHub Support for help, please include the request ID ${requestId}.`,
    documentation_url:
      'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
  };
  switch (trouble) {
    case 'secondary-rate-limit':
      return answer(403, secondary, { 'retry-after': String(retryAfter), ...limits(4987) });
    case 'secondary-rate-limit-429':
      return answer(429, secondary, { 'retry-after': String(retryAfter), ...limits(4987) });
    case 'rate-limit':
      return answer(
        403,
        {
          message:
            'API rate limit exceeded for installation ID 7. If you reach out to GitHub Support for help, ' +
            `please include the request ID ${requestId} ` +
            `and timestamp ${new Date().toISOString().replace('T', ' ').slice(0, 19)} UTC.`,
          documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
        },
        limits(0),
      );
    case 'bad-gateway':
      return answer(502, { message: 'Server Error' }, {});
  }
}

function nextCommentId(double: GitHubDouble): number {
  return 1000 + double.reviewComments.length + 1;
}

function commentJson(c: ReviewComment) {
  return {
    id: c.id,
    node_id: `PRRC_${c.id}`,
    user: userJson(c.user),
    path: c.path,
    line: c.line ?? null,
    subject_type: c.subject_type,
    body: c.body,
    ...(c.in_reply_to_id === undefined ? {} : { in_reply_to_id: c.in_reply_to_id }),
  };
}

/** New-side line ranges of a unified diff's hunks. */
function hunksOf(patch: string): { start: number; end: number }[] {
  return [...patch.matchAll(/^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/gm)].map((m) => ({
    start: Number(m[1]),
    end: Number(m[1]) + Number(m[2] ?? 1) - 1,
  }));
}

/**
 * GitHub's GraphQL endpoint for the two operations WowVision uses (a pull request's review
 * threads, resolving one); every query is first validated against GitHub's schema.
 */
function graphql(
  double: GitHubDouble,
  body: { query?: string; variables?: Record<string, unknown> } | undefined,
): Response {
  const query = body?.query ?? '';
  const problems = graphqlProblems(query);
  if (problems.length > 0) {
    double.violations.push(...problems.map((p) => `POST /graphql: ${p}`));
    return json(200, { errors: problems.map((message) => ({ message })) });
  }
  const vars = body?.variables ?? {};
  if (/\bviewer\s*\{\s*login\s*\}/.test(query)) return json(200, { data: { viewer: { login: doubleAppLogin } } });
  if (query.includes('resolveReviewThread')) {
    const comment = double.reviewComments.find((c) => `PRRT_${c.id}` === vars.thread);
    if (comment === undefined)
      return json(200, {
        data: null,
        errors: [{ message: `Could not resolve to a node with the global id of '${String(vars.thread)}'` }],
      });
    comment.resolved = true;
    return json(200, { data: { resolveReviewThread: { thread: { id: vars.thread, isResolved: true } } } });
  }
  if (query.includes('reviewThreads')) {
    const nodes = double.reviewComments
      .filter((c) => c.pull === vars.number && c.in_reply_to_id === undefined)
      .map((c) => ({ id: `PRRT_${c.id}`, isResolved: c.resolved, comments: { nodes: [{ databaseId: c.id }] } }));
    return json(200, {
      data: {
        repository: { pullRequest: { reviewThreads: { nodes, pageInfo: { hasNextPage: false, endCursor: null } } } },
      },
    });
  }
  double.violations.push('POST /graphql: the double does not answer this operation yet');
  return json(200, { errors: [{ message: 'unsupported by the double' }] });
}

function issueJson(repo: DoubleRepo, issue: DoubleIssue) {
  const labels = (repo.labels?.get(issue.number) ?? []).map((name, i) => ({ id: i + 1, name }));
  return {
    id: 90_000 + issue.number,
    node_id: `I_${issue.number}`,
    number: issue.number,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    state_reason: issue.state_reason,
    user: userJson(issue.user),
    labels,
    html_url: `https://github.com/${repo.owner}/${repo.repo}/issues/${issue.number}`,
    created_at: issue.created_at,
  };
}

function runJson(run: CheckRun) {
  return {
    id: run.id,
    head_sha: run.head_sha,
    name: run.name,
    status: run.status,
    conclusion: run.conclusion,
    external_id: run.external_id,
    output: run.output,
  };
}

/**
 * GitHub's side of the web flow, as its docs describe it: the authorize page (the person
 * is signed in and approves at once) and the token exchange, form-encoded, answered in
 * JSON when asked with `Accept: application/json`. PKCE (S256) is checked when the
 * authorize request carried a code_challenge.
 */
async function oauthWebFlow(
  double: GitHubDouble,
  codes: Map<string, { login: string; redirectUri: string | null; challenge: string | null; expires: number }>,
  method: string,
  url: URL,
  init: RequestInit | undefined,
): Promise<Response> {
  const { oauth } = double;
  if (method === 'GET' && url.pathname === '/login/oauth/authorize') {
    const q = url.searchParams;
    if (q.get('client_id') !== oauth.clientId) return new Response('Not Found', { status: 404 });
    const redirect = q.get('redirect_uri');
    if (redirect === null)
      double.violations.push('GET /login/oauth/authorize: no redirect_uri (the App has several callback URLs)');
    if (q.get('state') === null)
      double.violations.push('GET /login/oauth/authorize: no state (GitHub: "strongly recommended")');
    const method = q.get('code_challenge_method');
    if (q.get('code_challenge') !== null && method !== 'S256')
      double.violations.push(`GET /login/oauth/authorize: code_challenge_method ${String(method)}, not S256`);
    if (oauth.signedIn === undefined) return new Response('Sign in to GitHub', { status: 200 });
    const code = randomBytes(10).toString('hex');
    codes.set(code, {
      login: oauth.signedIn,
      redirectUri: redirect,
      challenge: q.get('code_challenge'),
      expires: Date.now() + 600_000,
    });
    const back = new URL(redirect ?? 'https://callback.invalid/');
    back.searchParams.set('code', code);
    const state = q.get('state');
    if (state !== null) back.searchParams.set('state', state);
    return new Response(null, { status: 302, headers: { location: back.href } });
  }
  if (method === 'POST' && url.pathname === '/login/oauth/access_token') {
    const headers = new Headers(init?.headers);
    const body =
      init?.body instanceof URLSearchParams
        ? init.body
        : new URLSearchParams(typeof init?.body === 'string' ? init.body : '');
    if (
      !/application\/x-www-form-urlencoded/.test(headers.get('content-type') ?? '') &&
      !(init?.body instanceof URLSearchParams)
    )
      double.violations.push('POST /login/oauth/access_token: the body is not form-encoded');
    const asJson = /application\/json/.test(headers.get('accept') ?? '');
    const answer = (fields: Record<string, string | number>) =>
      asJson
        ? json(200, fields)
        : new Response(
            new URLSearchParams(Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)])).toString(),
            {
              status: 200,
              headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
            },
          );
    const refuse = (error: string, description: string) =>
      answer({
        error,
        error_description: description,
        error_uri:
          'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors',
      });
    if (body.get('client_id') !== oauth.clientId || body.get('client_secret') !== oauth.clientSecret)
      return refuse('incorrect_client_credentials', 'The client_id and/or client_secret passed are incorrect.');
    const code = codes.get(body.get('code') ?? '');
    codes.delete(body.get('code') ?? '');
    if (code === undefined || code.expires < Date.now())
      return refuse('bad_verification_code', 'The code passed is incorrect or expired.');
    if (code.redirectUri !== null && body.get('redirect_uri') !== code.redirectUri)
      return refuse(
        'redirect_uri_mismatch',
        'The redirect_uri MUST match the registered callback URL for this application.',
      );
    if (code.challenge !== null) {
      const verifier = body.get('code_verifier') ?? '';
      if (createHash('sha256').update(verifier).digest('base64url') !== code.challenge)
        return refuse('bad_verification_code', 'The code passed is incorrect or expired.');
    }
    const token = `ghu_${randomBytes(18).toString('base64url')}`;
    double.userTokens.set(token, code.login);
    return answer({
      access_token: token,
      expires_in: 28_800,
      refresh_token: `ghr_${randomBytes(30).toString('base64url')}`,
      refresh_token_expires_in: 15_811_200,
      scope: '',
      token_type: 'bearer',
    });
  }
  double.violations.push(`${method} github.com${url.pathname}: not a page the double knows`);
  return new Response('Not Found', { status: 404 });
}

/** `GET /user` for a login, in the shape of GitHub's "private user" example. */
function privateUserJson(login: string): Record<string, unknown> {
  const api = `https://api.github.com/users/${login}`;
  return {
    login,
    id: 1000 + login.length,
    node_id: 'MDQ6VXNlcjE=',
    avatar_url: `https://avatars.githubusercontent.com/${login}`,
    gravatar_id: '',
    url: api,
    html_url: `https://github.com/${login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: 'User',
    site_admin: false,
    name: login,
    company: null,
    blog: '',
    location: null,
    email: null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: '2020-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
  };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
}
