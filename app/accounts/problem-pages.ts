import { html } from '../tickets/html.ts';
import { accountPage } from './account-layout.ts';

/** A page for a refusal or a failure: what happened, in our words, and where to go from here. */
export function renderProblem(view: { title: string; text: string; back: { href: string; label: string } }): string {
  return accountPage(
    view.title,
    html`<h1>${view.title}</h1>
<p>${view.text}</p>
<p><a href="${view.back.href}">${view.back.label}</a></p>`,
  );
}

/**
 * Past a rate limit: when to try again (the Retry-After header says the same in seconds).
 * Nothing the person typed is shown.
 */
export function renderTooManyAttempts(retryAfterSeconds: number, back: { href: string; label: string }): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return renderProblem({
    title: 'Too many attempts',
    text: `There were too many attempts from your network or for this account, so we stopped taking them for a while to keep the account safe. Nothing was done. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
    back,
  });
}
