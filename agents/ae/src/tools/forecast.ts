import type { CustomerTask, ToolOutcome } from '#platform';
import { forecastPipeline } from '../forecast/forecast-pipeline.ts';
import { forecastCsv, renderForecast } from '../forecast/render-forecast.ts';
import type { ForecastInput } from '../task-inputs.ts';

/**
 * ae.forecast: the deals CSV (csv-parse) weighted by stage probability per closing month,
 * the slipped and stale deals, and the commit and best-case totals in integer minor units;
 * as a Markdown report, each deal as CSV, and the whole forecast as JSON.
 */
export async function forecast(input: ForecastInput, task: CustomerTask): Promise<ToolOutcome> {
  const made = forecastPipeline(input.deals, {
    asOf: input.asOf,
    currency: input.currency,
    stages: input.stages,
    staleDays: input.staleDays,
    commitFrom: input.commitFrom,
    bestCaseFrom: input.bestCaseFrom,
  });
  const industry = task.organisation.industry;
  const forWhom = industry === undefined ? 'a business' : `a business in ${industry}`;
  const slipped = made.deals.filter((d) => d.slipped).length;
  return {
    deliverables: [
      { name: 'forecast.md', mediaType: 'text/markdown', content: renderForecast(made) },
      { name: 'deals.csv', mediaType: 'text/csv', content: forecastCsv(made) },
      { name: 'forecast.json', mediaType: 'application/json', content: `${JSON.stringify(made, null, 2)}\n` },
    ],
    summary: `forecast a pipeline of ${made.deals.length} deals (${slipped} slipped) for ${forWhom}`,
  };
}
