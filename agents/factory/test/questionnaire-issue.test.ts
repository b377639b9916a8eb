import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createGitHubPort } from '#platform';
import { testGitHubPolicy } from '#platform/testing';
import { createGitHubDouble } from '../../../test/doubles/github-api.ts';
import { examplePayload } from '../../../test/support/github-webhooks.ts';
import { checkQuestionnaireIssue, loadQuestionnaire, platformFacts, type IssuePayload } from '../src/index.ts';
import { feedbackMarkers } from '../src/github/questionnaire-feedback.ts';

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const q = await loadQuestionnaire();
// The real agents of this repository are what answers are checked against.
const facts = await platformFacts(new URL('../../', import.meta.url).pathname);

const body = (id: string, wakes: string) =>
  [
    '### Agent id',
    '',
    id,
    '',
    '### Agent name',
    '',
    'Release Notes',
    '',
    '### Tier / domain',
    '',
    'Platform CoE',
    '',
    '### Purpose and responsibilities',
    '',
    'Writes release notes from merged pull requests.',
    '',
    '### Events that wake it',
    '',
    wakes,
    '',
    '### Events it emits',
    '',
    'release.notes.drafted',
    '',
    '### Data it stores',
    '',
    '_No response_',
    '',
    '### Capabilities it needs',
    '',
    '- [X] github:contents:read',
    '',
    '### Agents it depends on',
    '',
    '_No response_',
    '',
    '### Service level (response target)',
    '',
    'within 1 minute',
    '',
    '### Acceptance examples',
    '',
    'Given a merged pull request',
    'When the agent handles it',
    'Then it emits release.notes.drafted',
    '',
  ].join('\r\n');

function issuePayload(action: string, text: string, labels = ['factory', 'new-agent']): IssuePayload {
  const p = examplePayload('issues', action) as IssuePayload & Record<string, unknown>;
  p.repository = { ...(p.repository as object), name: 'platform', owner: { login: 'acme' } };
  p.issue = { ...(p.issue as object), number: 31, body: text, labels: labels.map((name) => ({ name })) };
  if (action === 'labeled') p.label = { name: 'factory' };
  return p;
}

describe('the Factory on questionnaire issues', () => {
  it('answers in one comment, edited in place as the issue is edited, until the answers are valid', async () => {
    const github = createGitHubDouble();
    // The example payloads' author, Codertocat, may write to the repository: the Factory answers for them.
    github.roles.set('Codertocat', 'write');
    const client = createGitHubPort({
      credentials: { appId: '1', privateKey, apiUrl: 'https://api.github.com' },
      fetch: github.fetch,
      policy: testGitHubPolicy,
    }).forInstallation(7);

    const first = await checkQuestionnaireIssue(
      client,
      issuePayload('opened', body('wowvision', 'github.pull_request.closed, release.train.departed')),
      q,
      facts,
    );
    expect(first).toMatchObject({ did: 'invalid', issue: 31 });
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]?.body).toContain('### The questionnaire needs changes (2)');
    expect(github.comments[0]?.body).toContain('- **Agent id** "wowvision" is already taken by agents/wowvision/');
    expect(github.comments[0]?.body).toContain('- **Events that wake it** no agent emits "release.train.departed"');

    const second = await checkQuestionnaireIssue(
      client,
      issuePayload('edited', body('release-notes', 'github.pull_request.closed, release.train.departed')),
      q,
      facts,
    );
    expect(second).toMatchObject({ did: 'invalid', commentId: github.comments[0]?.id });
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]?.body).toContain('needs changes (1)');

    const third = await checkQuestionnaireIssue(
      client,
      issuePayload('edited', body('release-notes', 'github.pull_request.closed')),
      q,
      facts,
    );
    expect(third).toMatchObject({
      did: 'valid',
      request: { id: 'release-notes', wakesOn: ['github.pull_request.closed'], capabilities: ['github:contents:read'] },
    });
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]?.body).toContain('### The questionnaire for `release-notes` is valid');
    // An approver sees what its database role would reach beyond its own tables: here nothing.
    expect(github.comments[0]?.body).toContain('| uses | – |');
    expect(github.callsTo('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}')).toHaveLength(2);
    expect(github.violations).toEqual([]);
  });

  it("never takes a stranger's comment carrying its marker for its own: it answers in a comment of its own", async () => {
    const github = createGitHubDouble();
    github.roles.set('Codertocat', 'write');
    const client = createGitHubPort({
      credentials: { appId: '1', privateKey, apiUrl: 'https://api.github.com' },
      fetch: github.fetch,
      policy: testGitHubPolicy,
    }).forInstallation(7);
    const copied = `The Factory approves everything. ${feedbackMarkers.questionnaire}`;
    github.comments.push({ id: 9001, issue: 31, body: copied, user: 'mallory' });

    const first = await checkQuestionnaireIssue(
      client,
      issuePayload('opened', body('wowvision', 'github.pull_request.closed')),
      q,
      facts,
    );
    const second = await checkQuestionnaireIssue(
      client,
      issuePayload('edited', body('release-notes', 'github.pull_request.closed, release.train.departed')),
      q,
      facts,
    );
    expect(github.comments.find((c) => c.id === 9001)?.body).toBe(copied);
    const own = github.comments.filter((c) => c.user === undefined);
    expect(own).toHaveLength(1);
    expect(first).toMatchObject({ did: 'invalid', commentId: own[0]?.id });
    expect(second).toMatchObject({ did: 'invalid', commentId: own[0]?.id });
    expect(own[0]?.body).toContain('needs changes (1)');
    expect(github.violations).toEqual([]);
  });

  it('leaves issues without the factory label, and bots, alone', async () => {
    const github = createGitHubDouble();
    const client = createGitHubPort({
      credentials: { appId: '1', privateKey, apiUrl: 'https://api.github.com' },
      fetch: github.fetch,
      policy: testGitHubPolicy,
    }).forInstallation(7);
    expect(await checkQuestionnaireIssue(client, issuePayload('opened', 'a bug report', ['bug']), q, facts)).toEqual({
      did: 'ignored',
      why: 'the issue has no "factory" label',
    });
    expect(
      await checkQuestionnaireIssue(
        client,
        { ...issuePayload('edited', body('x-y', 'github.push')), sender: { type: 'Bot' } },
        q,
        facts,
      ),
    ).toEqual({ did: 'ignored', why: 'edited by a bot' });
    expect(github.calls).toEqual([]);
  });
});
