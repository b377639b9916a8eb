import { html } from '../tickets/html.ts';
import { accountPage, csrfField, errorSummary, field, titleOf, type FieldProblem } from './account-layout.ts';

export interface FormView {
  values: Record<string, string | undefined>;
  errors: FieldProblem[];
  csrf: string;
}

const v = (view: FormView, name: string) => view.values[name] ?? '';

export function renderSignUp(view: FormView): string {
  return accountPage(
    titleOf('Create your account', view.errors),
    html`<h1>Create your account</h1>
${errorSummary(view.errors)}
<p>Try agents for your business. We send a link to your email address to finish.</p>
<form method="post" action="/signup" novalidate>
${csrfField(view.csrf)}
${field({ name: 'name', label: 'Your name', type: 'text', autocomplete: 'name' }, v(view, 'name'), view.errors)}
${field({ name: 'email', label: 'Email address', type: 'email', autocomplete: 'email' }, v(view, 'email'), view.errors)}
${field(
  {
    name: 'password',
    label: 'Password',
    hint: 'At least 12 characters; a few words make a good one.',
    type: 'password',
    autocomplete: 'new-password',
  },
  '',
  view.errors,
)}
${field(
  {
    name: 'organisation',
    label: 'Organisation name',
    hint: 'Your business; you can invite colleagues to it.',
    type: 'text',
    autocomplete: 'organization',
  },
  v(view, 'organisation'),
  view.errors,
)}
<button type="submit">Create account</button>
</form>
<p>Have an account? <a href="/login">Sign in</a></p>`,
  );
}

/**
 * What a sign-up or a reset request answers, whatever the address: the same words for
 * one that has an account and one that has not, so the page tells a stranger nothing.
 */
export function renderMailSent(kind: 'signup' | 'reset'): string {
  const text =
    kind === 'signup'
      ? 'We sent a link to the address you gave. Open it to verify the address and finish creating your account.'
      : 'If an account uses the address you gave, we sent it a link to choose a new password.';
  return accountPage(
    'Check your email',
    html`<h1>Check your email</h1>
<p class="notice" role="status">${text}</p>
<p>The link works once. Nothing arrived after a few minutes? Look in your spam folder, or <a href="${kind === 'signup' ? '/signup' : '/reset-password'}">try again</a>.</p>`,
  );
}

export function renderLogIn(
  view: FormView & { next: string | undefined; notice: string | undefined; problem?: string | undefined },
): string {
  const errors = view.problem === undefined ? view.errors : [{ field: 'email', message: view.problem }];
  return accountPage(
    titleOf('Sign in', errors),
    html`<h1>Sign in</h1>
${view.notice !== undefined && html`<p class="notice" role="status">${view.notice}</p>`}
${errorSummary(errors)}
<form method="post" action="/login" novalidate>
${csrfField(view.csrf)}
${view.next !== undefined && html`<input type="hidden" name="next" value="${view.next}">`}
${field({ name: 'email', label: 'Email address', type: 'email', autocomplete: 'username' }, v(view, 'email'), view.problem === undefined ? view.errors : errors)}
${field({ name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password' }, '', view.problem === undefined ? view.errors : [])}
<button type="submit">Sign in</button>
</form>
<p><a href="/reset-password">Forgot your password?</a></p>
<p>No account yet? <a href="/signup">Create one</a></p>`,
  );
}

export function renderForgotPassword(view: FormView): string {
  return accountPage(
    titleOf('Reset your password', view.errors),
    html`<h1>Reset your password</h1>
${errorSummary(view.errors)}
<p>Give the address you sign in with, and we send it a link to choose a new password.</p>
<form method="post" action="/reset-password" novalidate>
${csrfField(view.csrf)}
${field({ name: 'email', label: 'Email address', type: 'email', autocomplete: 'email' }, v(view, 'email'), view.errors)}
<button type="submit">Send the link</button>
</form>`,
  );
}

export function renderNewPassword(view: FormView & { token: string }): string {
  return accountPage(
    titleOf('Choose a new password', view.errors),
    html`<h1>Choose a new password</h1>
${errorSummary(view.errors)}
<p>Choosing it signs you out on every other device.</p>
<form method="post" action="/reset-password/new" novalidate>
${csrfField(view.csrf)}
<input type="hidden" name="token" value="${view.token}">
${field(
  {
    name: 'password',
    label: 'New password',
    hint: 'At least 12 characters; a few words make a good one.',
    type: 'password',
    autocomplete: 'new-password',
  },
  '',
  view.errors,
)}
<button type="submit">Save the new password</button>
</form>`,
  );
}

/**
 * The page a verification link opens. The link does nothing by itself: mail scanners open
 * links to look at them, and a GET that verified would spend the single-use token.
 */
export function renderVerifyEmail(view: { token: string; csrf: string }): string {
  return accountPage(
    'Verify your email address',
    html`<h1>Verify your email address</h1>
<p>One step left: confirm that this address is yours.</p>
<form method="post" action="/verify-email">
${csrfField(view.csrf)}
<input type="hidden" name="token" value="${view.token}">
<button type="submit">Verify my address</button>
</form>`,
  );
}
