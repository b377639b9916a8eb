import { defineErrors, type CodesOf } from '#platform';

/** The commerce domain's errors: accounts, sessions, mailed links, organisations, operators and trials. docs/errors.md documents each code. */
export const errors = defineErrors({
  WOW_ERR_ACCOUNT_INPUT: { message: 'The form is not complete: {problems}.', retryable: false, status: 422 },
  WOW_ERR_LOGIN_FAILED: {
    message:
      'The email address or the password is wrong. Check both, or reset the password from the link under the form.',
    retryable: false,
    status: 401,
  },
  WOW_ERR_EMAIL_UNVERIFIED: {
    message:
      'The email address {email} is not verified yet. Open the link in the mail we sent; a new one is on its way now.',
    retryable: false,
    status: 403,
  },
  WOW_ERR_LINK_INVALID: {
    message: 'The link {problem}. Ask for a new one: {fix}.',
    retryable: false,
    status: 400,
  },
  WOW_ERR_SESSION_REQUIRED: {
    message: 'Sign in first: this page is only for a signed-in {who}.',
    retryable: false,
    status: 401,
  },
  WOW_ERR_NOT_MEMBER: {
    message:
      'You are not a member of the organisation "{organisation}" (or it does not exist). Ask one of its owners to invite you.',
    retryable: false,
    status: 404,
  },
  WOW_ERR_MEMBER_NOT_FOUND: {
    message: '"{organisation}" has no such member; its page lists who is one.',
    retryable: false,
    status: 404,
  },
  WOW_ERR_NOT_OWNER: {
    message: 'Only an owner of "{organisation}" may {action}. Ask one of its owners.',
    retryable: false,
    status: 403,
  },
  WOW_ERR_LAST_OWNER: {
    message:
      '{who} the last owner of "{organisation}": an organisation always has an owner. Make another member an owner first.',
    retryable: false,
    status: 409,
  },
  WOW_ERR_ALREADY_MEMBER: {
    message: '{email} is a member of "{organisation}" already; change their role in the list instead.',
    retryable: false,
    status: 409,
  },
  WOW_ERR_INVITATION_EMAIL: {
    message:
      'This invitation was sent to {invited}, and you are signed in as {email}. Sign in with the invited address to accept it.',
    retryable: false,
    status: 403,
  },
  WOW_ERR_OPERATOR_SIGN_IN: {
    message: 'GitHub sign-in failed: {problem}. Start again from the sign-in page.',
    retryable: false,
    status: 400,
  },
  WOW_ERR_OPERATOR_NOT_IN_TEAM: {
    message:
      'The GitHub account {login} is not an active member of the team {team}, so it may not see the operator pages. Ask a maintainer of that team to add you.',
    retryable: false,
    status: 403,
  },
  WOW_ERR_OPERATOR_SIGN_IN_OFF: {
    message:
      'Operator sign-in is not set up: set {missing} (the GitHub App\'s client id and secret, and the team "org/team-slug" whose members are operators).',
    retryable: false,
    status: 503,
  },
  WOW_ERR_EMAIL_OFF: {
    message:
      'This server cannot send email (SMTP_URL is not set), so it cannot {action}. Set SMTP_URL to an smtp:// or smtps:// server.',
    retryable: false,
    status: 503,
  },
  WOW_ERR_TRIAL_AGENT: {
    message:
      'There is no customer-facing agent "{agentId}" to try. The marketplace at /agents lists the agents you can try.',
    retryable: false,
    status: 404,
  },
  WOW_ERR_TRIAL_EXISTS: {
    message:
      '"{organisation}" has had its free trial of {agentId} already (started {startedAt}, {ending}): one trial per organisation and agent. Subscribe at /agents/{agentId} to keep working with it.',
    retryable: false,
    status: 409,
  },
});

export const { createError } = errors;

declare module '#platform' {
  interface WowErrorCodes extends CodesOf<typeof errors> {}
}
