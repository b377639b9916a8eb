import { describe, expect, it } from 'vitest';
import { createError as createPlatformError } from '#platform';
import { createError } from '../src/errors.ts';
import { failedComment } from '../src/github/questionnaire-feedback.ts';
import type { AgentRequest } from '../src/index.ts';

const request = { id: 'release-notes' } as AgentRequest;

// The comment lands on an issue anyone may read: it says what a maintainer can act on, never how we are built.
describe('the comment when generating fails', () => {
  it('names an unexpected error by no more than that: its text (hosts, users, paths) stays in the log', () => {
    const comment = failedComment(request, new Error('connect ECONNREFUSED 10.0.0.3:5432 (user admin, /srv/waooaw)'));
    expect(comment).not.toContain('10.0.0.3');
    expect(comment).not.toContain('admin');
    expect(comment).toContain('/factory retry');
  });

  it("names another package's coded error by its code only: git's stderr and paths stay in the log", () => {
    const err = createPlatformError('WOW_ERR_GIT', {
      command: 'log',
      dir: '/srv/waooaw/templates',
      reason: 'fatal: bad object',
    });
    const comment = failedComment(request, err);
    expect(comment).toContain('`WOW_ERR_GIT`');
    expect(comment).not.toContain('/srv/waooaw');
    expect(comment).toContain('Retrying will fail the same way');
  });

  it('quotes a coded error, which is written for people, in a fence its own backticks cannot close', () => {
    const err = createError('WOW_ERR_FACTORY_TEMPLATE', {
      template: 'platform-coe',
      problem: 'broken ```\n## injected heading\n@everyone',
    });
    const comment = failedComment(request, err);
    expect(comment).toContain('WOW_ERR_FACTORY_TEMPLATE');
    const fence = /^(`{3,})$/m.exec(comment)?.[1] ?? '';
    expect(fence.length).toBeGreaterThan(3);
    expect(comment.split(fence)).toHaveLength(3);
  });
});
