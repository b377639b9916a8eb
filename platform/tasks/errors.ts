import { defineErrors, type CodesOf } from '../errors/define-errors.ts';

/** The task runner's errors (`performingTasks`): each ends a customer's task failed, with its message as the reason. docs/errors.md documents each code. */
export const errors = defineErrors({
  WOW_ERR_TASK_TYPE_UNDECLARED: {
    message:
      'Agent {agent} was sent a task of type "{type}", which {problem}. Declare the type under `tasks:` in its agent.yml and give performingTasks a handler for it.',
    retryable: false,
    status: 422,
  },
  WOW_ERR_TASK_DELIVERABLE: {
    message:
      'Agent {agent} returned a deliverable the platform cannot keep: {problem}. A task returns 1 to {maxCount} deliverables, each named with letters, digits, ".", "_" or "-" (up to 100 characters), of at most {maxBytes} bytes.',
    retryable: false,
    status: 422,
  },
  WOW_ERR_TASK_FAILED: {
    message: 'Agent {agent} could not finish the task: {problem}',
    retryable: false,
    status: 500,
  },
});

export const { createError } = errors;

declare module '../errors/define-errors.ts' {
  interface WowErrorCodes extends CodesOf<typeof errors> {}
}
