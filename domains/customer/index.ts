// The customer domain: tasks organisations send customer-facing agents, the deliverables
// the agents return and the ratings customers give them (issue 22's Service Flow). Plain
// functions over the store; the doors (app/tasks) import them from here, as
// '#domains/customer', never from src/. What they write to the outbox is listed in domain.yml;
// the agents' side of a task is platform/tasks' performingTasks.

// The task API: send, read, list, download, rate.
export {
  requestTask,
  taskApiSource,
  type Entitlement,
  type TaskAgent,
  type TaskAnswer,
  type TaskRequest,
} from './src/tasks/request-task.ts';
export { getDeliverable, getTask, isTaskId, listTasks } from './src/tasks/read-tasks.ts';
export { rateTask } from './src/tasks/rate-task.ts';
export { workingAgents, workingWindowSeconds } from './src/tasks/working-agents.ts';
export { finalStates, taskStates, type TaskState, type TaskView } from './src/tasks/task-view.ts';
export type { FieldError } from './src/tasks/check-task-input.ts';

// Tasks by mail to an agent's address (the SMTP door's intake).
export {
  receiveTaskEmail,
  type TaskMail,
  type TaskMailOptions,
  type TaskMailOutcome,
  type TaskMailReply,
} from './src/email/receive-task-email.ts';

// Who is mailed when a task ends: each member's own choice (WowNotification reads it).
export {
  chooseTaskNotices,
  getTaskNoticeChoice,
  taskNoticeChoices,
  type TaskNoticeChoice,
} from './src/notices/task-notice-choices.ts';

// The recorder: tasks moved on from the agents' customer.task.* events.
export { recordedTaskEvents, recordTaskEvent, type Recorded } from './src/tasks/record-task-event.ts';

// The marketplace's figures of each customer-facing agent: a projection of the task and
// subscription events, read by the catalogue and the profiles.
export { figureEventTypes, recordFigureEvent } from './src/figures/record-figure-event.ts';
export {
  agentFigures,
  allAgentFigures,
  newAgentThreshold,
  noFigures,
  type AgentFigures,
} from './src/figures/agent-figures.ts';
export { recentActivity, type ActivityItem } from './src/figures/recent-activity.ts';
export { figuresGroup, projectFigures } from './src/figures/project-figures.ts';

// Organisations' requests for agents the marketplace lacks (custom domain agents): the
// request and its customer.agent.requested, the list, and the Factory's issue recorded.
export {
  agentRequestBody,
  agentRequestSource,
  requestAgent,
  requestsPerDay,
  type AgentRequestBody,
} from './src/agent-requests/request-agent.ts';
export { listAgentRequests, recordRequestIssue } from './src/agent-requests/read-agent-requests.ts';
export type { AgentRequestView } from './src/agent-requests/agent-request-view.ts';
// The customer dashboard: an organisation's work by agent, per day, and its ROI (the time
// the tasks saved at the organisation's hourly cost, and the revenue it records).
export {
  completedCounts,
  dailyCounts,
  organisationWork,
  type AgentWork,
  type CompletedCount,
  type DailyCount,
} from './src/dashboard/organisation-work.ts';
export { workFigures, type DayRange, type WorkFigures } from './src/dashboard/work-figures.ts';
export { figuresVersionSql } from './src/dashboard/figures-version.ts';
export {
  parseRupees,
  roiOf,
  timeSaved,
  valueOfMinutes,
  type MinutesSavedOf,
  type Roi,
  type TimeSaved,
} from './src/dashboard/roi.ts';
export {
  hourlyCostOf,
  maxNoteLength,
  recordRevenue,
  revenueOf,
  setHourlyCost,
  type RevenueEntry,
} from './src/dashboard/roi-records.ts';
export { agentTasks } from './src/dashboard/agent-tasks.ts';

// The domain's error registry.
export { errors as customerErrors } from './src/errors.ts';
