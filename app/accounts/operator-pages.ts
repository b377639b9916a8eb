import type { AgentRow } from '#platform';
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

/** `/ops`: every agent in the registry with its status, version and live instances. */
export function renderOperatorAgents(view: { login: string; agents: AgentRow[]; csrf: string }): string {
  return accountPage(
    'Agents',
    html`<h1>Agents</h1>
<p>${view.agents.length} agent${view.agents.length === 1 ? '' : 's'} in the registry; an agent whose instances stopped sending heartbeats is Offline.</p>
<table>
<thead><tr><th scope="col">Agent</th><th scope="col">Status</th><th scope="col">Version</th><th scope="col">Live instances</th><th scope="col">In flight</th></tr></thead>
<tbody>${view.agents.map(
      (a) =>
        html`<tr><td>${a.name}<br><span class="hint">${a.id}</span></td><td>${a.status}</td><td>${a.deployed?.version ?? a.version}</td><td>${a.liveInstances} of ${a.instances}</td><td>${a.inFlight}</td></tr>`,
    )}</tbody>
</table>`,
    { name: view.login, signOut: '/ops/sign-out', csrf: view.csrf },
  );
}
