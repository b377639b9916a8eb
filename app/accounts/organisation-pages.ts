import type { Invitation, Member, Membership, User } from '#domains/commerce';
import { html } from '../tickets/html.ts';
import { accountPage, csrfField, errorSummary, field, titleOf, type FieldProblem } from './account-layout.ts';

const signedAs = (user: User, csrf: string) => ({ name: user.name, signOut: '/logout', csrf });

export function renderAccount(view: {
  user: User;
  organisations: Membership[];
  csrf: string;
  notice: string | undefined;
}): string {
  return accountPage(
    'Your account',
    html`<h1>Your account</h1>
${view.notice !== undefined && html`<p class="notice" role="status">${view.notice}</p>`}
<p>Signed in as ${view.user.name} (${view.user.email}).</p>
<h2>Your organisations</h2>
${
  view.organisations.length === 0
    ? html`<p>You belong to no organisation. An owner can invite you to theirs.</p>`
    : html`<ul>${view.organisations.map(
        (o) => html`<li><a href="/orgs/${o.slug}">${o.name}</a> (${o.role === 'owner' ? 'owner' : 'member'})</li>`,
      )}</ul>`
}`,
    signedAs(view.user, view.csrf),
  );
}

const notices: Record<string, string> = {
  invited: 'Invitation sent. It works for the address it was sent to, once.',
  role: 'Role changed.',
  removed: 'Member removed.',
  joined: 'You joined the organisation.',
};

export function renderOrganisation(view: {
  user: User;
  organisation: Membership;
  members: Member[];
  csrf: string;
  notice: string | undefined;
  invite: { values: Record<string, string | undefined>; errors: FieldProblem[] };
  problem: string | undefined;
}): string {
  const { organisation: org, csrf } = view;
  const owner = org.role === 'owner';
  const notice = view.notice === undefined ? undefined : notices[view.notice];
  const base = `/orgs/${org.slug}`;
  const row = (m: Member) => html`<tr>
<td>${m.name}<br><span class="hint">${m.email}</span></td>
<td>${
    owner
      ? html`<form method="post" action="${base}/members/${m.userId}/role">${csrfField(csrf)}
<label class="visually-hidden" for="role-${m.userId}">Role of ${m.name}</label>
<select id="role-${m.userId}" name="role">${(['owner', 'member'] as const).map(
          (r) => html`<option value="${r}"${m.role === r && html` selected`}>${r}</option>`,
        )}</select>
<button type="submit" class="secondary">Change<span class="visually-hidden"> role of ${m.name}</span></button></form>`
      : m.role
  }</td>
<td>${
    owner || m.userId === view.user.id
      ? html`<form method="post" action="${base}/members/${m.userId}/remove">${csrfField(csrf)}
<button type="submit" class="secondary">${m.userId === view.user.id ? 'Leave' : html`Remove<span class="visually-hidden"> ${m.name}</span>`}</button></form>`
      : ''
  }</td>
</tr>`;
  return accountPage(
    titleOf(org.name, view.invite.errors),
    html`<h1>${org.name}</h1>
${notice !== undefined && html`<p class="notice" role="status">${notice}</p>`}
${view.problem !== undefined && html`<div class="summary" role="alert"><h2>That did not work</h2><p>${view.problem}</p></div>`}
<p>Its name on the ticket API and in support: <code>${org.slug}</code>. You are ${owner ? 'an owner' : 'a member'}.</p>
<h2>Members</h2>
<table>
<thead><tr><th scope="col">Person</th><th scope="col">Role</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${view.members.map(row)}</tbody>
</table>
${
  owner &&
  html`<h2>Invite someone</h2>
${errorSummary(view.invite.errors)}
<form method="post" action="${base}/invitations" novalidate>
${csrfField(csrf)}
${field({ name: 'email', label: 'Their email address', type: 'email', autocomplete: 'off' }, view.invite.values.email ?? '', view.invite.errors)}
<label for="role">Role</label>
<select id="role" name="role"><option value="member" selected>member</option><option value="owner">owner</option></select>
<button type="submit">Send invitation</button>
</form>`
}
<p><a href="/account">Back to your account</a></p>`,
    signedAs(view.user, csrf),
  );
}

/** What an invitation link opens: join (signed in as the invited address), or sign in first. */
export function renderInvitation(view: {
  invitation: Invitation;
  token: string;
  user: User | undefined;
  csrf: string;
}): string {
  const { invitation: inv } = view;
  const next = `/invitations/accept?token=${encodeURIComponent(view.token)}`;
  const body =
    view.user === undefined
      ? html`<p>Sign in with ${inv.email} to accept, or create an account with that address first and open this link again.</p>
<p><a class="button" href="/login?next=${encodeURIComponent(next)}">Sign in to accept</a></p>
<p><a href="/signup">Create an account</a></p>`
      : html`<form method="post" action="/invitations/accept">
${csrfField(view.csrf)}
<input type="hidden" name="token" value="${view.token}">
<button type="submit">Join ${inv.organisation.name}</button>
</form>`;
  return accountPage(
    `Join ${inv.organisation.name}`,
    html`<h1>Join ${inv.organisation.name}</h1>
<p>You are invited as ${inv.role === 'owner' ? 'an owner' : 'a member'}. The invitation was sent to ${inv.email}.</p>
${body}`,
    view.user === undefined ? undefined : signedAs(view.user, view.csrf),
  );
}
