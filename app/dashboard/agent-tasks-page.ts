import { randomUUID } from 'node:crypto';
import { dayIn, type User } from '#domains/commerce';
import type { TaskAgent, TaskView } from '#domains/customer';
import { html } from '../tickets/html.ts';
import { csrfField, errorSummary } from '../accounts/account-layout.ts';
import { fieldId, renderTaskForm, taskFields, type TaskFormState } from './task-form.ts';
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

/** A task still on its way: the page reloads itself until none is, so a customer watches it finish without JavaScript. */
const unfinished = (t: TaskView) => t.state === 'queued' || t.state === 'working';

/**
 * One hired agent's tasks for the organisation, newest first: what each was, where it is,
 * its rating (a form to give one on a done task), and its deliverables to download (kept
 * for ever, after a trial too); and a form per task type to send it new work.
 */
export function renderAgentTasks(p: {
  viewer: Viewer;
  agent: HiredAgent;
  tasks: TaskView[];
  timeZone: string;
  /** The task type's title as the agent's manifest gives it (the type itself for one no longer listed). */
  titleOf: (taskType: string) => string;
  /** The agent's task types with their input schemas, or undefined when it takes no tasks. */
  taskAgent: TaskAgent | undefined;
  user: User;
  csrf: string;
  notice?: string | undefined;
  form?: TaskFormState | undefined;
  /** The customer turned the reload off (WCAG 2.2.1: a time limit the person can turn off). */
  still?: boolean;
}): string {
  const state = p.form;
  const reloads = p.still !== true && p.tasks.some(unfinished);
  const slug = encodeURIComponent(p.viewer.organisation.slug);
  const when = (iso: string | null) => (iso === null ? '–' : dayIn(new Date(iso), p.timeZone));
  const main = html`<p><a href="/dashboard?organisation=${slug}">Back to the dashboard</a></p>
<h1><span aria-hidden="true">${p.agent.avatar}</span> ${p.agent.name} for ${p.viewer.organisation.name}</h1>
<p>${hireState(p.agent, p.timeZone)}</p>
${p.agent.listed && html`<p><a href="/agents/${encodeURIComponent(p.agent.id)}">The agent's profile</a></p>`}
${p.notice !== undefined && html`<p class="notice" role="status">${p.notice}</p>`}
${
  reloads &&
  html`<p class="hint">This page reloads every few seconds until every task is done.
<a href="/dashboard/agents/${encodeURIComponent(p.agent.id)}?organisation=${slug}&amp;reload=off">Stop reloading</a></p>`
}
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
        }</td><td>${when(t.createdAt)}</td><td>${when(t.finishedAt)}</td><td class="num">${t.rating ?? '–'}${
          t.state === 'done' &&
          html`<form method="post" action="/dashboard/tasks/${encodeURIComponent(t.id)}/rating">${csrfField(p.csrf)}
<input type="hidden" name="organisation" value="${p.viewer.organisation.slug}">
<label for="stars-${t.id}">Rate it<span class="visually-hidden">: ${p.titleOf(t.type)}, sent ${when(t.createdAt)}</span></label>
<select id="stars-${t.id}" name="stars">${[5, 4, 3, 2, 1].map(
            (n) => html`<option value="${n}"${n === (t.rating ?? 5) && html` selected`}>${n} of 5</option>`,
          )}</select> <button type="submit">Rate</button></form>`
        }</td>
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
}
${taskForms(p, state)}`;
  return dashboardPage({
    title: `${state !== undefined && state.errors.length > 0 ? 'Error: ' : ''}${p.agent.name} – tasks`,
    main,
    head: reloads ? html`<meta http-equiv="refresh" content="3">` : undefined,
    signed: { name: p.user.name, csrf: p.csrf },
  });
}

/** A form per task type the agent takes, generated from its input schema; each form's nonce is its Idempotency-Key. */
function taskForms(p: Parameters<typeof renderAgentTasks>[0], state: TaskFormState | undefined) {
  const types = Object.entries(p.taskAgent?.tasks ?? {});
  if (types.length === 0) return false;
  return html`<h2>Send ${p.agent.name} work</h2>
${state !== undefined && errorSummary(state.errors.map((e) => ({ ...e, field: fieldId(state.type, e.field) })))}
${types.map(([type, terms]) => {
  const fields = taskFields(terms);
  return fields === undefined
    ? html`<h3>${terms.title}</h3><p>Send this task through the API (<code>POST /api/agents/${p.agent.id}/tasks</code>).</p>`
    : renderTaskForm({
        agentId: p.agent.id,
        type,
        terms,
        fields,
        slug: p.viewer.organisation.slug,
        csrf: p.csrf,
        nonce: randomUUID(),
        state,
      });
})}`;
}
