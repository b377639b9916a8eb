import type { Invitation, Member, Membership, User } from '#domains/commerce';
import type { TaskNoticeChoice } from '#domains/customer';
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
  notices: 'Your choice of task notices is saved.',
  'webhook-removed': 'The webhook is removed: task outcomes are no longer posted to it.',
};

const noticeLabels: Record<TaskNoticeChoice, string> = {
  mine: 'The tasks I send (the default)',
  all: 'Every task of the organisation',
  none: 'No task',
};

/** What the organisation's page shows of task notices: the member's own choice, and for owners the webhook. */
export interface NoticeSettingsView {
  choice: TaskNoticeChoice;
  webhookUrl: string | null;
  /** The secret just made: shown on this answer only, never again. */
  newSecret?: string;
  webhookErrors: FieldProblem[];
  webhookValue: string;
}

const webhookField = {
  name: 'webhookUrl',
  label: 'Webhook URL (https)',
  type: 'url',
  autocomplete: 'off',
  hint: 'Saving makes a new secret; the old one stops working.',
} as const;

function noticeSettings(base: string, owner: boolean, csrf: string, view: NoticeSettingsView) {
  return html`<h2>Task notices</h2>
<p>When a task of the organisation is done, fails or needs input, we mail the members who chose to hear of it, at their verified address.</p>
<form method="post" action="${base}/task-notices">
${csrfField(csrf)}
<fieldset><legend>Mail me about</legend>
${(['mine', 'all', 'none'] as const).map(
  (
    c,
  ) => html`<div class="choice"><input type="radio" id="notices-${c}" name="choice" value="${c}"${view.choice === c && html` checked`}>
<label for="notices-${c}">${noticeLabels[c]}</label></div>`,
)}
</fieldset>
<button type="submit">Save my choice</button>
</form>
${
  owner &&
  html`<h2>Webhook</h2>
<p>${
    view.webhookUrl === null
      ? 'No webhook: task outcomes are mailed only.'
      : html`Task outcomes are posted to <code>${view.webhookUrl}</code>.`
  } Each post is signed: <code>X-Wow-Signature-256</code> is <code>sha256=</code> and the HMAC-SHA256, in hex,
of the <code>X-Wow-Timestamp</code> header, a full stop and the body, with the webhook's secret.</p>
${
  view.newSecret !== undefined &&
  html`<div class="notice" role="status"><p>The webhook is saved. Its secret, shown this once: copy it now.</p>
<p><code>${view.newSecret}</code></p></div>`
}
${errorSummary(view.webhookErrors)}
<form method="post" action="${base}/webhook" novalidate>
${csrfField(csrf)}
${field(webhookField, view.webhookValue, view.webhookErrors)}
<button type="submit">Save and make a new secret</button>
</form>
${
  view.webhookUrl !== null &&
  html`<form method="post" action="${base}/webhook/remove">${csrfField(csrf)}
<button type="submit" class="secondary">Remove the webhook</button></form>`
}`
}`;
}

export function renderOrganisation(view: {
  user: User;
  organisation: Membership;
  members: Member[];
  csrf: string;
  notice: string | undefined;
  invite: { values: Record<string, string | undefined>; errors: FieldProblem[] };
  problem: string | undefined;
  notices: NoticeSettingsView;
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
    titleOf(org.name, [...view.invite.errors, ...view.notices.webhookErrors]),
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
${noticeSettings(base, owner, csrf, view.notices)}
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
