// The marketplace's figures of each customer-facing agent: a projection of the task and
// subscription events, read by the catalogue and the profiles. domains/customer/index.ts
// exports these names; until then app/marketplace imports this file.
export { figureEventTypes, recordFigureEvent } from './record-figure-event.ts';
export { agentFigures, allAgentFigures, newAgentThreshold, noFigures, type AgentFigures } from './agent-figures.ts';
export { recentActivity, type ActivityItem } from './recent-activity.ts';
export { figuresGroup, projectFigures } from './project-figures.ts';
