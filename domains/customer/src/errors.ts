import { defineErrors, type CodesOf } from '#platform';

/** The customer domain's errors: tasks sent to agents, their deliverables and ratings. docs/errors.md documents each code. */
export const errors = defineErrors({
  WOW_ERR_TASK_AGENT_UNKNOWN: {
    message:
      'No agent "{agent}" takes tasks here. Send tasks to a customer-facing agent of the marketplace (GET /api/catalog lists them).',
    retryable: false,
    status: 404,
  },
  WOW_ERR_TASK_TYPE_UNKNOWN: {
    message: 'Agent {agent} has no task type "{type}". Send one of: {known}.',
    retryable: false,
    status: 422,
  },
  WOW_ERR_TASK_INPUT: {
    message: 'The task is invalid: {problems}. Fix each field named and send it again.',
    retryable: false,
    status: 422,
  },
  WOW_ERR_TASK_NOT_ENTITLED: {
    message: 'Your organisation cannot send tasks to {agent}: {reason}. {action}',
    retryable: false,
    status: 402,
  },
  WOW_ERR_TASK_KEY_REUSED: {
    message:
      'The Idempotency-Key "{key}" was used for another request (task {task}). Send a new key for a new task, or the same request again to read the first answer.',
    retryable: false,
    status: 409,
  },
  WOW_ERR_TASK_ORGANISATION: {
    message:
      'You are signed in as a member of {count} organisations: name the one this is for in the X-Organisation header (its slug, as in /account).',
    retryable: false,
    status: 400,
  },
  WOW_ERR_TASK_NOT_FOUND: { message: 'No task {task} in your organisation.', retryable: false, status: 404 },
  WOW_ERR_TASK_PARENT: {
    message:
      'Task {task} cannot be followed up: {problem}. A follow-up names, as parentTaskId, a done task of your organisation sent to the same agent.',
    retryable: false,
    status: 422,
  },
  WOW_ERR_TASK_NOT_DONE: {
    message: 'Task {task} is {state}: only a done task is rated. Rate it once it is done.',
    retryable: false,
    status: 409,
  },
  WOW_ERR_DELIVERABLE_NOT_FOUND: {
    message: 'Task {task} has no deliverable "{name}". GET /api/tasks/{task} lists its deliverables.',
    retryable: false,
    status: 404,
  },
  WOW_ERR_AGENT_REQUEST_INPUT: {
    message: 'The agent request is invalid: {problems}. Fix each field named and send it again.',
    retryable: false,
    status: 422,
  },
  WOW_ERR_AGENT_REQUESTS_LIMIT: {
    message:
      'Your organisation has sent {limit} agent requests in the last 24 hours, the most a day. Wait for those to be answered (their issues are linked on the request page) and send it tomorrow.',
    retryable: true,
    status: 429,
  },
  WOW_ERR_TASK_NOTICE_CHOICE: {
    message: 'Choose which tasks you hear of: one of {expected}.',
    retryable: false,
    status: 422,
  },
  WOW_ERR_ROI_INPUT: {
    message: 'The ROI entry is invalid: {problems}. Fix each field named and send it again.',
    retryable: false,
    status: 422,
  },
  WOW_ERR_DASHBOARD_ORGANISATION: {
    message:
      'You belong to {count} organisations: name the one the dashboard is for with ?organisation=<slug> (its slug, as in /account).',
    retryable: false,
    status: 400,
  },
  WOW_ERR_DASHBOARD_AGENT: {
    message:
      'Your organisation has no trial or subscription of an agent "{agent}". The dashboard lists the agents you hired.',
    retryable: false,
    status: 404,
  },
});

export const { createError } = errors;

declare module '#platform' {
  interface WowErrorCodes extends CodesOf<typeof errors> {}
}
