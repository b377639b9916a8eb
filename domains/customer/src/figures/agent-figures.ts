import type { PgQueryable } from '#platform';

/**
 * Below this many data points a figure is not shown as a number but as "New": a mean of
 * two ratings, or the median of three tasks, says more about luck than about the agent.
 */
export const newAgentThreshold = 5;

/** One agent's figures as customers see them; a null value is "New" (too little data). */
export interface AgentFigures {
  agentId: string;
  /** The mean of customers' 1–5 ratings of delivered work, with how many there are. */
  rating: { mean: number | null; count: number };
  /** The share (0–1) of subscriptions that came up for renewal and were renewed. */
  retention: { share: number | null; renewed: number; decided: number };
  /** Started→completed, over the completed tasks whose start is known. */
  responseTime: { medianMs: number | null; p95Ms: number | null; count: number };
  tasksCompleted: number;
}

interface Row extends Record<string, unknown> {
  agent_id: string;
  ratings: number;
  stars_total: number;
  tasks_completed: number;
  timed_tasks: number;
  response_p50_ms: number | null;
  response_p95_ms: number | null;
  subscriptions_decided: number;
  subscriptions_renewed: number;
}

const columns = `agent_id, ratings, stars_total, tasks_completed, timed_tasks, response_p50_ms, response_p95_ms,
  subscriptions_decided, subscriptions_renewed`;

/** An agent with no event yet: every figure "New", nothing completed. */
export function noFigures(agentId: string): AgentFigures {
  return {
    agentId,
    rating: { mean: null, count: 0 },
    retention: { share: null, renewed: 0, decided: 0 },
    responseTime: { medianMs: null, p95Ms: null, count: 0 },
    tasksCompleted: 0,
  };
}

/** Every agent's figures that has any, by agent id: one row each, for the catalogue. */
export async function allAgentFigures(db: PgQueryable): Promise<Map<string, AgentFigures>> {
  const { rows } = await db.query<Row>(`select ${columns} from customer_figures_agents`);
  return new Map(rows.map((r) => [r.agent_id, figuresOf(r)]));
}

/** One agent's figures (all "New" when it has none yet). */
export async function agentFigures(db: PgQueryable, agentId: string): Promise<AgentFigures> {
  const { rows } = await db.query<Row>(`select ${columns} from customer_figures_agents where agent_id = $1`, [agentId]);
  const row = rows[0];
  return row === undefined ? noFigures(agentId) : figuresOf(row);
}

function figuresOf(r: Row): AgentFigures {
  const enough = (n: number) => n >= newAgentThreshold;
  return {
    agentId: r.agent_id,
    rating: { mean: enough(r.ratings) ? r.stars_total / r.ratings : null, count: r.ratings },
    retention: {
      share: enough(r.subscriptions_decided) ? r.subscriptions_renewed / r.subscriptions_decided : null,
      renewed: r.subscriptions_renewed,
      decided: r.subscriptions_decided,
    },
    responseTime: {
      medianMs: enough(r.timed_tasks) ? r.response_p50_ms : null,
      p95Ms: enough(r.timed_tasks) ? r.response_p95_ms : null,
      count: r.timed_tasks,
    },
    tasksCompleted: r.tasks_completed,
  };
}
