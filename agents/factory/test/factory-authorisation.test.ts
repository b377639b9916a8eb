import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHubClient } from '#platform';
import { type DoubleRepo, type GitHubDouble } from '../../../test/doubles/github-api.ts';
import {
  checkQuestionnaireIssue,
  loadQuestionnaire,
  platformFacts,
  type Generation,
  type IssuePayload,
} from '../src/index.ts';
import { startFactoryTarget, platformRoot, type FactoryTarget } from './support/factory-target.ts';
import { body, issuePayload, postComment, shownDigest } from './support/questionnaire-issue.ts';

const root = platformRoot;
const q = await loadQuestionnaire();
const facts = await platformFacts(join(root, 'agents'));

/** Every request that writes to the repository: git data, refs, pull requests, labels. */
const writes = [
  'POST /repos/{owner}/{repo}/git/blobs',
  'POST /repos/{owner}/{repo}/git/trees',
  'POST /repos/{owner}/{repo}/git/commits',
  'POST /repos/{owner}/{repo}/git/refs',
  'PATCH /repos/{owner}/{repo}/git/refs/{ref}',
  'POST /repos/{owner}/{repo}/pulls',
  'PATCH /repos/{owner}/{repo}/pulls/{pull_number}',
  'POST /repos/{owner}/{repo}/issues/{issue_number}/labels',
];

/** Another agent's questionnaire: "changelog-keeper", named `name`. */
const changelogBody = (name: string) =>
  body(name)
    .replace('release-notes', 'changelog-keeper')
    .replaceAll('release.notes.drafted', 'changelog.entry.drafted')
    .replace('release_notes', 'changelog_entries');

// Who may make the Factory act (docs/security.md): generation for an issue whose author has
// write or stronger, or for answers a person with write approved by their digest
// (`/factory approve <digest>`); `/factory` commands from write or stronger; a branch
// factory/<id> for the issue that made it; and never a force-push over a pull request that
// a reviewer with write approved.
describe('the Factory acts only for people who may write to the repository', () => {
  let target: FactoryTarget;
  let github: GitHubDouble;
  let repo: DoubleRepo;
  let client: GitHubClient;
  let generation: Generation;
  const git = (...args: string[]) => target.git(...args);
  const writesMade = () => writes.flatMap((route) => github.callsTo(route));
  const check = (payload: IssuePayload) => checkQuestionnaireIssue(client, payload, q, facts, generation);
  const commentsOn = (issue: number) => github.comments.filter((c) => c.issue === issue);
  const factoryComment = (issue: number) =>
    commentsOn(issue).find((c) => c.body.includes('<!-- waooaw-factory:questionnaire -->'))?.body ?? '';
  const byStranger = (action: string, name: string) =>
    issuePayload(action, body(name), { number: 41, author: 'stranger' });
  const fromMaintainer = (comment: string, name: string) =>
    postComment(github, comment, body(name), { number: 41, author: 'stranger', commenter: 'maintainer' });

  beforeAll(async () => {
    // "stranger" is not listed: read, as everyone is on a public repository.
    target = await startFactoryTarget({ maintainer: 'write', triager: 'triage' }, { typecheck: false });
    ({ github, repo, client, generation } = target);
  }, 60_000);
  afterAll(() => target.dispose());

  it("an outsider's New-agent issue gets one comment naming its answers' digest and who may approve it, and nothing is written", async () => {
    const opened = await check(byStranger('opened', 'Release Notes'));
    expect(writesMade()).toEqual([]);
    expect(opened).toMatchObject({ did: 'unapproved', issue: 41 });
    const first = shownDigest(github, 41);
    expect(first).toMatch(/^[0-9a-f]{16}$/);
    const edited = await check(byStranger('edited', 'Release Notes!'));
    expect(edited).toMatchObject({ did: 'unapproved', issue: 41 });
    expect(writesMade()).toEqual([]);
    expect(commentsOn(41)).toHaveLength(1);
    expect(factoryComment(41)).toContain('`stranger`, has the `read` role');
    // The comment follows the edit: the answers are new, and so is the digest an approval must name.
    expect(shownDigest(github, 41)).toMatch(/^[0-9a-f]{16}$/);
    expect(shownDigest(github, 41)).not.toBe(first);
    expect(factoryComment(41)).toContain(
      'A person with write access (or maintain, admin) approves these answers, ' +
        `after reading them, by commenting \`/factory approve ${shownDigest(github, 41) ?? ''}\``,
    );
    expect(github.violations).toEqual([]);
  }, 60_000);

  it('the factory:approved label approves nothing, even from a maintainer: nothing is written', async () => {
    const labelled = await check(
      issuePayload('labeled', body('Release Notes!'), {
        number: 41,
        author: 'stranger',
        sender: 'maintainer',
        label: 'factory:approved',
      }),
    );
    expect(writesMade()).toEqual([]);
    expect(labelled).toMatchObject({ did: 'ignored' });
    expect(await git('branch', '--list', 'factory/*')).toBe('');
  }, 60_000);

  it("an approval names its answers: an outsider's edit landing just before it makes it refused, and a refused approval never counts later", async () => {
    const readDigest = shownDigest(github, 41) ?? '';
    // The outsider edits while the maintainer reads; the maintainer approves what they read.
    await check(byStranger('edited', "Release Notes'); evil('"));
    const changed = shownDigest(github, 41) ?? '';
    expect(changed).not.toBe(readDigest);
    const stale = await check(fromMaintainer(`/factory approve ${readDigest}`, "Release Notes'); evil('"));
    expect(stale).toMatchObject({ did: 'refused', issue: 41, command: 'approve' });
    expect(writesMade()).toEqual([]);
    expect(commentsOn(41).find((c) => c.body.includes('was not done'))?.body).toContain(
      `\`/factory approve ${readDigest}\` from \`maintainer\` was not done: ` +
        "it names answers that are not the issue's any more " +
        `(they were edited, or the digest is mistyped; their digest is now \`${changed}\`).`,
    );

    // The refused approval does not lie in wait: answers that come to have its digest are not approved by it.
    expect(await check(byStranger('edited', 'Release Notes!'))).toMatchObject({ did: 'unapproved', issue: 41 });
    expect(shownDigest(github, 41)).toBe(readDigest);
    expect(writesMade()).toEqual([]);

    const approved = await check(fromMaintainer(`/factory approve ${readDigest}`, 'Release Notes!'));
    expect(approved).toMatchObject({
      did: 'published',
      pull: { number: 101, branch: 'factory/release-notes', branchWas: 'created', pullWas: 'opened' },
    });
    expect(parse(await git('show', 'factory/release-notes:agents/release-notes/agent.yml'))).toMatchObject({
      name: 'Release Notes!',
    });
    expect(repo.pulls[0]?.body).toContain('<!-- waooaw-factory:request issue=41 -->');
    expect(factoryComment(41)).toContain('opened #101');
  }, 60_000);

  it("an outsider's edit after approval waits for a new approval: /factory retry does not approve it, /factory approve <its digest> does", async () => {
    const head = await git('rev-parse', 'factory/release-notes');
    const before = writesMade().length;
    const edited = await check(byStranger('edited', 'Release Scribe'));
    expect(edited).toMatchObject({ did: 'unapproved', issue: 41 });
    const retried = await check(fromMaintainer('/factory retry', 'Release Scribe'));
    expect(retried).toMatchObject({ did: 'unapproved', issue: 41 });
    expect(writesMade()).toHaveLength(before);
    expect(await git('rev-parse', 'factory/release-notes')).toBe(head);
    expect(repo.pulls[0]?.title).toBe('New agent: Release Notes! (release-notes)');
    expect(factoryComment(41)).toContain(
      '`/factory retry` generates again only answers that were approved and generated before, and these were not.',
    );

    const approved = await check(fromMaintainer(`/factory approve ${shownDigest(github, 41) ?? ''}`, 'Release Scribe'));
    expect(approved).toMatchObject({
      did: 'published',
      pull: { number: 101, branchWas: 'updated', pullWas: 'updated' },
    });
    expect(await git('show', 'factory/release-notes:agents/release-notes/agent.yml')).toContain('name: Release Scribe');
  }, 60_000);

  it("/factory needs write: an outsider's and a triager's commands are refused with a comment and change nothing; a maintainer's retry works", async () => {
    const head = await git('rev-parse', 'factory/release-notes');
    const before = writesMade().length;
    const cancel = await check(
      postComment(github, '/factory cancel', body('Release Scribe'), {
        number: 41,
        author: 'stranger',
        commenter: 'stranger',
      }),
    );
    expect(repo.pulls[0]?.state).toBe('open');
    expect(cancel).toMatchObject({ did: 'refused', issue: 41, command: 'cancel' });
    const approve = await check(
      postComment(github, `/factory approve ${shownDigest(github, 41) ?? '0000000000000000'}`, body('Release Scribe'), {
        number: 41,
        author: 'stranger',
        commenter: 'triager',
      }),
    );
    expect(approve).toMatchObject({ did: 'refused', issue: 41, command: 'approve' });
    const retry = await check(
      postComment(github, '/factory retry', body('Release Scribe'), {
        number: 41,
        author: 'stranger',
        commenter: 'triager',
      }),
    );
    expect(retry).toMatchObject({ did: 'refused', issue: 41, command: 'retry' });
    expect(writesMade()).toHaveLength(before);
    expect(await git('rev-parse', 'factory/release-notes')).toBe(head);
    const refusals = commentsOn(41).filter((c) => c.body.includes('was not done'));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]?.body).toContain(
      '`/factory retry` from `triager` was not done: ' +
        '`/factory` commands are taken from people with write access to this repository, ' +
        'and `triager` has the `triage` role.',
    );

    expect(await check(fromMaintainer('/factory cancel', 'Release Scribe'))).toMatchObject({
      did: 'cancelled',
      pull: 101,
    });
    expect(repo.pulls[0]?.state).toBe('closed');
    // The answers are the ones the maintainer approved, and their branch records them: a retry generates them again.
    expect(await check(fromMaintainer('/factory retry', 'Release Scribe'))).toMatchObject({
      did: 'published',
      pull: { number: 101, pullWas: 'reopened' },
    });
    expect(github.violations).toEqual([]);
  }, 60_000);

  it('a second issue asking for the same id is told it is taken, by which issue and pull request; the branch is not touched', async () => {
    const head = await git('rev-parse', 'factory/release-notes');
    const before = writesMade().length;
    const second = await check(issuePayload('opened', body('Other Notes'), { number: 42, author: 'maintainer' }));
    expect(await git('rev-parse', 'factory/release-notes')).toBe(head);
    expect(writesMade()).toHaveLength(before);
    expect(second).toMatchObject({ did: 'taken', issue: 42, by: { issue: 41, pull: 101 } });
    expect(commentsOn(42)).toHaveLength(1);
    expect(commentsOn(42)[0]?.body).toContain(
      '`release-notes` is taken: issue #41 asked for it first, and its pull request is #101.',
    );
    // Nor can that issue cancel the other's pull request.
    expect(
      await check(
        postComment(github, '/factory cancel', body('Other Notes'), {
          number: 42,
          author: 'maintainer',
          commenter: 'maintainer',
        }),
      ),
    ).toMatchObject({ did: 'taken', by: { issue: 41 } });
    expect(repo.pulls[0]?.state).toBe('open');
  }, 60_000);

  it('never force-pushes a branch whose pull request has an approving review: an edit goes to a follow-up pull request on a new branch, linked', async () => {
    const opened = await check(
      issuePayload('opened', changelogBody('Changelog Keeper'), { number: 43, author: 'maintainer' }),
    );
    expect(opened).toMatchObject({ did: 'published', pull: { number: 102, branch: 'factory/changelog-keeper' } });
    const approved = await git('rev-parse', 'factory/changelog-keeper');
    const pull = { ...repo.pulls.find((p) => p.number === 102) };
    github.reviews.push({ pull: 102, body: 'Looks right.', event: 'APPROVE', comments: 0, user: 'maintainer' });

    const edited = await check(
      issuePayload('edited', changelogBody('Changelog Scribe'), { number: 43, author: 'maintainer' }),
    );
    expect(await git('rev-parse', 'factory/changelog-keeper')).toBe(approved);
    expect(
      github
        .callsTo('PATCH /repos/{owner}/{repo}/git/refs/{ref}')
        .filter((c) => c.params.ref === 'heads/factory/changelog-keeper'),
    ).toEqual([]);
    expect(repo.pulls.find((p) => p.number === 102)).toEqual(pull);
    expect(edited).toMatchObject({
      did: 'published',
      pull: {
        number: 103,
        branch: 'factory/changelog-keeper--followup-2',
        follows: 102,
        branchWas: 'created',
        pullWas: 'opened',
      },
    });
    expect(await git('rev-parse', 'factory/changelog-keeper--followup-2^')).toBe(approved);
    expect(await git('show', 'factory/changelog-keeper--followup-2:agents/changelog-keeper/agent.yml')).toContain(
      'name: Changelog Scribe',
    );
    const followUp = repo.pulls.find((p) => p.number === 103);
    expect(followUp).toMatchObject({
      headRef: 'factory/changelog-keeper--followup-2',
      base: 'factory/changelog-keeper',
    });
    expect(followUp?.body).toContain('Follows #102');
    expect(commentsOn(43)[0]?.body).toContain(
      '#102 has an approving review, so it stays as it was: the change is in follow-up #103',
    );

    // Redelivered, the edit changes nothing; a further edit updates the follow-up, which has no approval.
    const commits = github.callsTo('POST /repos/{owner}/{repo}/git/commits').length;
    expect(
      await check(issuePayload('edited', changelogBody('Changelog Scribe'), { number: 43, author: 'maintainer' })),
    ).toMatchObject({ did: 'published', pull: { number: 103, branchWas: 'unchanged', pullWas: 'unchanged' } });
    expect(github.callsTo('POST /repos/{owner}/{repo}/git/commits')).toHaveLength(commits);
    expect(
      await check(issuePayload('edited', changelogBody('Changelog Writer'), { number: 43, author: 'maintainer' })),
    ).toMatchObject({ did: 'published', pull: { number: 103, branchWas: 'updated' } });
    expect(await git('rev-parse', 'factory/changelog-keeper')).toBe(approved);
    expect(await git('rev-parse', 'factory/changelog-keeper--followup-2^')).toBe(approved);
    expect(repo.pulls).toHaveLength(3);
    expect(github.violations).toEqual([]);
  }, 90_000);

  it("an approving review freezes a branch only from a reviewer with write, by their latest verdict; an outsider's or a triager's does not", async () => {
    const digestBody = (name: string) =>
      body(name)
        .replace('release-notes', 'digest-keeper')
        .replaceAll('release.notes.drafted', 'digest.entry.drafted')
        .replace('release_notes', 'digest_entries');
    const edit = (name: string) =>
      check(issuePayload('edited', digestBody(name), { number: 44, author: 'maintainer' }));
    const opened = await check(
      issuePayload('opened', digestBody('Digest Keeper'), { number: 44, author: 'maintainer' }),
    );
    expect(opened).toMatchObject({ did: 'published', pull: { branch: 'factory/digest-keeper', pullWas: 'opened' } });
    const number = (opened as { pull: { number: number } }).pull.number;
    const review = (user: string, event: string) =>
      github.reviews.push({ pull: number, body: 'Reviewed.', event, comments: 0, user });

    // A stranger and a triager approve: the maintainer's next edit still moves the branch, in the same pull request.
    review('stranger', 'APPROVE');
    review('triager', 'APPROVE');
    expect(await edit('Digest Scribe')).toMatchObject({
      did: 'published',
      pull: { number, branch: 'factory/digest-keeper', branchWas: 'updated' },
    });
    expect(await git('show', 'factory/digest-keeper:agents/digest-keeper/agent.yml')).toContain('name: Digest Scribe');

    // A maintainer who approved and then asked for changes no longer approves it.
    review('maintainer', 'APPROVE');
    review('maintainer', 'REQUEST_CHANGES');
    expect(await edit('Digest Writer')).toMatchObject({
      did: 'published',
      pull: { number, branch: 'factory/digest-keeper', branchWas: 'updated' },
    });
    expect(await git('branch', '--list', 'factory/digest-keeper--*')).toBe('');
    expect(repo.pulls.filter((p) => p.headRef?.startsWith('factory/digest-keeper') === true)).toHaveLength(1);
    expect(github.violations).toEqual([]);
  }, 90_000);
});
