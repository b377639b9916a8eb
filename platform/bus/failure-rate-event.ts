import { createEvent, type CloudEvent } from './envelope.ts';
import { errorOccurredEventType } from './platform-events.ts';
import { errorOccurredSource, sampleLine, type ErrorOccurredData } from './report-dead-letters.ts';

/**
 * What an agent holding `errors:report` (WowAnalytics) asks the platform to publish when an
 * agent fails more than its baseline: the platform, not the asker, is the event's source.
 */
export interface FailureRateReport {
  /** The agent failing, not the one reporting. */
  agent: string;
  /** The error code most seen in its failures, or one naming the rate itself. */
  code: string;
  /** A few named figures (`failed`, `baseline` …): at most 4 kept, each one short line. */
  sample: Record<string, string>;
  /** The incident opened for it, so WowSupport's run and the incident's issue are one. */
  incidentId?: string;
}

const sampleKey = /^[a-z][a-z0-9_]{0,39}$/;

/**
 * The `error.occurred` event (kind failure_rate) for `report`, bounded as a dead letter's
 * is: the code and each sample value cut to one short line with what looks like a secret
 * masked, at most four sample fields with plain names. The agent's id and the incident's
 * are left as given: the bus's schema check (domains/platform/model.yml) refuses bad ones.
 */
export function failureRateEvent(report: FailureRateReport, at: Date): CloudEvent<ErrorOccurredData> {
  const sample = Object.fromEntries(
    Object.entries(report.sample)
      .filter(([key]) => sampleKey.test(key))
      .slice(0, 4)
      .map(([key, value]) => [key, sampleLine(value, 120)]),
  );
  const data: ErrorOccurredData = {
    kind: 'failure_rate',
    agent: report.agent,
    code: sampleLine(report.code, 80),
    sample,
    ...(report.incidentId === undefined ? {} : { incidentId: report.incidentId }),
    at: at.toISOString(),
  };
  return createEvent({
    source: errorOccurredSource,
    type: errorOccurredEventType,
    subject: report.agent,
    partitionkey: report.agent,
    data,
  });
}
