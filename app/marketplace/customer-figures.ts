// The customer domain's figures, as the marketplace uses them. Until domains/customer/index.ts
// exports these names (its owner writes that file), this is the one place that reaches
// into the domain's src/; then this line imports '#domains/customer' instead.
export {
  allAgentFigures,
  newAgentThreshold,
  noFigures,
  projectFigures,
  recentActivity,
  type ActivityItem,
  type AgentFigures,
} from '../../domains/customer/src/figures/index.ts';
