import { dayIn, type User } from '#domains/commerce';
import type { TaskView } from '#domains/customer';
import { html } from '../tickets/html.ts';
import { count } from '../marketplace/figure-text.ts';
import { hireState } from './dashboard-page.ts';
import type { HiredAgent, Viewer } from './dashboard-data.ts';
import { dashboardPage } from './dashboard-layout.ts';

const stateText: Record<TaskView['state'], string> = {
  queued: 'Queued',
  working: 'Working',
  done: 'Done',
  failed: 'Failed',
  'needs-input': 'Needs your input',
};

/**
 * One hired agent's tasks for the organisation, newest first: what each was, where it is,
 * its rating, and its deliverables to download (kept for ever, after a trial too).
 */
export function renderAgentTasks(p: {
  viewer: Viewer;
  agent: HiredAgent;
  tasks: TaskView[];
  timeZone: string;
  /** The task type's title as the agent's manifest gives it (the type itself for one no longer listed). */
  titleOf: (taskType: string) => string;
  user: User;
  csrf: string;
}): string {
  const slug = encodeURIComponent(p.viewer.organisation.slug);
  const when = (iso: string | null) => (iso === null ? '–' : dayIn(new Date(iso), p.timeZone));
  const main = html`<p><a href="/dashboard?organisation=${slug}">Back to the dashboard</a></p>
<h1><span aria-hidden="true">${p.agent.avatar}</span> ${p.agent.name} for ${p.viewer.organisation.name}</h1>
<p>${hireState(p.agent, p.timeZone)}</p>
${p.agent.listed && html`<p><a href="/agents/${encodeURIComponent(p.agent.id)}">The agent's profile</a></p>`}
<h2>Tasks and deliverables</h2>
${
  p.tasks.length === 0
    ? html`<p>No tasks sent to ${p.agent.name} yet.</p>`
    : html`<div class="scroll"><table><caption class="visually-hidden">Tasks, newest first (${count(p.tasks.length, 'task', 'tasks')})</caption>
<thead><tr><th scope="col">Task</th>
<th scope="col">State</th>
<th scope="col">Sent</th>
<th scope="col">Delivered</th>
<th scope="col" class="num">Your rating</th>
<th scope="col">Deliverables</th></tr></thead>
<tbody>${p.tasks.map(
        (
          t,
        ) => html`<tr><td>${p.titleOf(t.type)}${t.summary !== null && html`<br><small>${t.summary}</small>`}</td><td>${stateText[t.state]}${
          t.question !== null && html`<br><small>${t.question}</small>`
        }</td><td>${when(t.createdAt)}</td><td>${when(t.finishedAt)}</td><td class="num">${t.rating ?? '–'}</td>
<td>${
          t.deliverables.length === 0
            ? '–'
            : html`<ul>${t.deliverables.map(
                (f) =>
                  html`<li><a href="/dashboard/tasks/${encodeURIComponent(t.id)}/${encodeURIComponent(f.name)}?organisation=${slug}"
download>${f.name}</a></li>`,
              )}</ul>`
        }</td></tr>`,
      )}</tbody></table></div>`
}`;
  return dashboardPage({
    title: `${p.agent.name} – tasks`,
    main,
    signed: { name: p.user.name, csrf: p.csrf },
  });
}
