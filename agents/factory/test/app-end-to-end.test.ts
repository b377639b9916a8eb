import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { eventuallyPasses } from '#platform/testing';
import { startFactoryBehindDoor, type FactoryBehindDoor } from './support/factory-behind-door.ts';
import { body, issuePayload, postComment, shownDigest } from './support/questionnaire-issue.ts';

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

// The Factory as the App runs it: GitHub's published payloads, signed, posted to the HTTP
// door, through the bus to the hosted factory agent, against the GitHub double.
describe('the Factory through the platform', () => {
  let door: FactoryBehindDoor;
  const writesMade = () => writes.flatMap((route) => door.target.github.callsTo(route));
  const published = (issue: number) =>
    door.emitted.find(
      (e) => e.type === 'factory.pull_request.published' && (e.data as { issue: number }).issue === issue,
    );

  beforeAll(async () => {
    door = await startFactoryBehindDoor({ maintainer: 'write' });
  }, 60_000);
  afterAll(() => door.stop());

  it("webhook → bus → factory agent: an outsider's New-agent issue pushes nothing; a maintainer's /factory approve <digest> publishes it", async () => {
    const { github, repo } = door.target;
    const outsiders = body('Release Notes');
    expect(await door.send('issues', issuePayload('opened', outsiders, { number: 41, author: 'stranger' }))).toBe(202);
    await eventuallyPasses(() => expect(shownDigest(github, 41)).toMatch(/^[0-9a-f]{16}$/), 30_000);
    expect(writesMade()).toEqual([]);
    expect(await door.target.git('branch', '--list', 'factory/*')).toBe('');
    expect(github.comments.filter((c) => c.issue === 41)).toHaveLength(1);

    const digest = shownDigest(github, 41) ?? '';
    const approval = postComment(github, `/factory approve ${digest}`, outsiders, {
      number: 41,
      author: 'stranger',
      commenter: 'maintainer',
    });
    expect(await door.send('issue_comment', approval)).toBe(202);
    await eventuallyPasses(() => expect(published(41)).toBeDefined(), 60_000);
    expect(published(41)?.data).toMatchObject({
      agentId: 'release-notes',
      pull: 101,
      branch: 'factory/release-notes',
      pullWas: 'opened',
    });
    expect(parse(await door.target.git('show', 'factory/release-notes:agents/release-notes/agent.yml'))).toMatchObject({
      id: 'release-notes',
      name: 'Release Notes',
    });
    // The digest approved is the one the agent's answers file records as rendered: what was approved is what was generated.
    expect(
      parse(await door.target.git('show', 'factory/release-notes:agents/release-notes/questionnaire.yml')),
    ).toMatchObject({ rendered: digest, answers: { name: 'Release Notes' } });
    expect(repo.pulls).toMatchObject([{ number: 101, headRef: 'factory/release-notes', base: 'main' }]);
    expect(github.violations).toEqual([]);
  }, 120_000);

  it("a maintainer's own New-agent issue is published at once", async () => {
    const { github, repo } = door.target;
    const maintainers = body('Changelog Keeper')
      .replace('release-notes', 'changelog-keeper')
      .replaceAll('release.notes.drafted', 'changelog.entry.drafted')
      .replace('release_notes', 'changelog_entries');
    expect(await door.send('issues', issuePayload('opened', maintainers, { number: 42, author: 'maintainer' }))).toBe(
      202,
    );
    await eventuallyPasses(() => expect(published(42)).toBeDefined(), 60_000);
    expect(published(42)?.data).toMatchObject({ agentId: 'changelog-keeper', pull: 102, pullWas: 'opened' });
    expect(repo.pulls.find((p) => p.number === 102)?.body).toContain('Closes #42');
    expect(github.comments.find((c) => c.issue === 42)?.body).toContain('opened #102');
    expect(github.violations).toEqual([]);
  }, 120_000);
});
