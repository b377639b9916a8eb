import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHubClient } from '../../runtime/src/index.ts';
import { type DoubleRepo, type GitHubDouble } from '../../../test/doubles/github-api.ts';
import {
  checkQuestionnaireIssue,
  loadQuestionnaire,
  platformFacts,
  type Generation,
  type IssuePayload,
} from '../src/index.ts';
import { startFactoryTarget, platformRoot, type FactoryTarget } from './support/factory-target.ts';
import { body, commentPayload, issuePayload } from './support/questionnaire-issue.ts';

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
// write or stronger, or after such a person adds `factory:approved`; `/factory` commands
// from write or stronger; a branch factory/<id> for the issue that made it; and never a
// force-push over a pull request with an approving review.
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

  beforeAll(async () => {
    // "stranger" is not listed: read, as everyone is on a public repository.
    target = await startFactoryTarget({ maintainer: 'write', triager: 'triage' });
    ({ github, repo, client, generation } = target);
  }, 60_000);
  afterAll(() => target.dispose());

  it("an outsider's New-agent issue gets one comment saying who may approve it, and nothing is written", async () => {
    const opened = await check(issuePayload('opened', body('Release Notes'), { number: 41, author: 'stranger' }));
    expect(writesMade()).toEqual([]);
    expect(opened).toMatchObject({ did: 'unapproved', issue: 41 });
    const edited = await check(issuePayload('edited', body('Release Notes!'), { number: 41, author: 'stranger' }));
    expect(edited).toMatchObject({ did: 'unapproved', issue: 41 });
    expect(writesMade()).toEqual([]);
    expect(commentsOn(41)).toHaveLength(1);
    expect(commentsOn(41)[0]?.body).toContain('`stranger`, has the `read` role');
    expect(commentsOn(41)[0]?.body).toContain(
      'A person with write access (or maintain, admin) approves it by adding the `factory:approved` label',
    );
    expect(github.violations).toEqual([]);
  }, 60_000);

  it("factory:approved counts only from someone with write: a triager's label is refused, a maintainer's generates the agent", async () => {
    const byTriager = await check(
      issuePayload('labeled', body('Release Notes'), {
        number: 41,
        author: 'stranger',
        sender: 'triager',
        label: 'factory:approved',
      }),
    );
    expect(writesMade()).toEqual([]);
    expect(byTriager).toMatchObject({ did: 'unapproved', issue: 41 });
    expect(commentsOn(41)).toHaveLength(1);
    expect(commentsOn(41)[0]?.body).toContain('`triager` added `factory:approved`, and has the `triage` role');

    const byMaintainer = await check(
      issuePayload('labeled', body('Release Notes'), {
        number: 41,
        author: 'stranger',
        sender: 'maintainer',
        label: 'factory:approved',
      }),
    );
    expect(byMaintainer).toMatchObject({
      did: 'published',
      pull: { number: 101, branch: 'factory/release-notes', branchWas: 'created', pullWas: 'opened' },
    });
    expect(await git('show', 'factory/release-notes:agents/release-notes/agent.yml')).toContain('name: Release Notes');
    expect(repo.pulls[0]?.body).toContain('<!-- waooaw-factory:request issue=41 -->');
    expect(commentsOn(41)[0]?.body).toContain('opened #101');
  }, 60_000);

  it("an edit by the outsider after approval changes nothing; a maintainer's /factory retry approves the answers as they are then", async () => {
    const head = await git('rev-parse', 'factory/release-notes');
    const before = writesMade().length;
    const edited = await check(
      issuePayload('edited', body("Release Notes'); evil('"), {
        number: 41,
        author: 'stranger',
        sender: 'stranger',
        label: 'factory:approved',
      }),
    );
    expect(writesMade()).toHaveLength(before);
    expect(edited).toMatchObject({ did: 'unapproved', issue: 41 });
    expect(await git('rev-parse', 'factory/release-notes')).toBe(head);
    expect(repo.pulls[0]?.title).toBe('New agent: Release Notes (release-notes)');
    expect(commentsOn(41)[0]?.body).toContain('were edited after');

    const retried = await check(
      commentPayload('/factory retry', body('Release Scribe'), {
        number: 41,
        author: 'stranger',
        commenter: 'maintainer',
      }),
    );
    expect(retried).toMatchObject({
      did: 'published',
      pull: { number: 101, branchWas: 'updated', pullWas: 'updated' },
    });
    expect(await git('show', 'factory/release-notes:agents/release-notes/agent.yml')).toContain('name: Release Scribe');
  }, 60_000);

  it("/factory cancel and /factory retry need write: an outsider's are refused with a comment, and nothing changes", async () => {
    const head = await git('rev-parse', 'factory/release-notes');
    const before = writesMade().length;
    const cancel = await check(
      commentPayload('/factory cancel', body('Release Scribe'), {
        number: 41,
        author: 'stranger',
        commenter: 'stranger',
      }),
    );
    expect(repo.pulls[0]?.state).toBe('open');
    expect(cancel).toMatchObject({ did: 'refused', issue: 41, command: 'cancel' });
    const retry = await check(
      commentPayload('/factory retry', body('Release Scribe'), {
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
      '`/factory retry` from `triager` was not done: `/factory` commands are taken from people with write access to this repository, and `triager` has the `triage` role.',
    );

    expect(
      await check(
        commentPayload('/factory cancel', body('Release Scribe'), {
          number: 41,
          author: 'stranger',
          commenter: 'maintainer',
        }),
      ),
    ).toMatchObject({ did: 'cancelled', pull: 101 });
    expect(repo.pulls[0]?.state).toBe('closed');
    expect(
      await check(
        commentPayload('/factory retry', body('Release Scribe'), {
          number: 41,
          author: 'stranger',
          commenter: 'maintainer',
        }),
      ),
    ).toMatchObject({ did: 'published', pull: { number: 101, pullWas: 'reopened' } });
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
        commentPayload('/factory cancel', body('Other Notes'), {
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
});
