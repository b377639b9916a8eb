// WowScaling: recommends each agent's scaling policy; KEDA scales (`wow infra k8s` writes its
// ScaledObjects from each agent.yml's `scaling:`). On a schedule it samples every registered
// agent's lag and pending (the bus's consumer groups), live replicas (the registry's fresh
// heartbeats) and latency (the platform's health figures) against its service level; a
// sustained run at the maximum with growing lag or slow handling, or idle at the minimum,
// becomes a recommendation: recorded, announced, on /metrics and in `wow agents list`, and —
// with a repository configured — one pull request changing only that agent's `scaling:`.
import { answering, defineAgent, type HandlerContext } from '#platform';
import { applyScaling, scalingApplyProtocol } from './apply/scaling-apply.ts';
import { sampleAndRecommend } from './sample-and-recommend.ts';
import { scalingSettings, type ScalingSettings } from './scaling-settings.ts';
import { readScalingStatus, scalingStatusProtocol } from './status/scaling-status.ts';
import { watchScalingMetrics } from './watch-scaling-metrics.ts';

export { scalingSettings, type ScalingSettings } from './scaling-settings.ts';
// The protocols callers ask with (`ctx.request(scalingStatusProtocol, {})`); agent.yml `answers` them.
export {
  readScalingStatus,
  scalingStatusProtocol,
  scalingStatusRequest,
  type ScalingStatus,
} from './status/scaling-status.ts';
export { scalingApplyProtocol, scalingApplyRequest, type ScalingApplyResult } from './apply/scaling-apply.ts';
// `wow agents list` shows each agent's open recommendation.
export { openRecommendations, type Recommendation } from './recommendations.ts';
export { decideScaling, type Decision, type DecisionBounds } from './decide/decide-scaling.ts';
export { changeOf } from './apply/describe-recommendation.ts';
export { editScalingBlock } from './apply/edit-scaling-block.ts';
export { sampleAndRecommend } from './sample-and-recommend.ts';
export type { Sample, ScalingBounds } from './sampling/take-samples.ts';

export default defineAgent({
  settings: scalingSettings,
  setup(ctx) {
    watchScalingMetrics(ctx.store, ctx.metrics);
  },
  on: {
    'scaling.status': answering(scalingStatusProtocol, (ctx, request) => readScalingStatus(ctx.store, request)),
    'scaling.apply': answering(scalingApplyProtocol, (ctx: HandlerContext<ScalingSettings, unknown>, request) =>
      applyScaling(ctx, request),
    ),
  },
  every: {
    sample: {
      interval: (settings) => settings.sampleIntervalMs,
      async handle(ctx) {
        await sampleAndRecommend(ctx);
      },
    },
  },
});
