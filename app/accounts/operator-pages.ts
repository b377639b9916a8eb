import { html } from '../tickets/html.ts';
import { accountPage } from './account-layout.ts';

export function renderOperatorSignIn(view: { missing: string[] | undefined; problem: string | undefined }): string {
  return accountPage(
    'Operator sign-in',
    html`<h1>Operator sign-in</h1>
${view.problem !== undefined && html`<div class="summary" role="alert"><h2>You are not signed in</h2><p>${view.problem}</p></div>`}
<p>The operator pages are for members of the platform's GitHub team.</p>
${
  view.missing === undefined
    ? html`<p><a class="button" href="/auth/github">Sign in with GitHub</a></p>`
    : html`<p>GitHub sign-in is not set up on this server: set ${view.missing.join(', ')}.</p>`
}`,
  );
}
