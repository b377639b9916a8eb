import type { AgentRow, HandlerContext, PgQueryable, ReplyOf } from '#platform';
import type { healthReportProtocol } from '../../../wowanalytics/src/index.ts';
import type { ProtocolMap } from '../../../wowcommunication/src/index.ts';
import type { ArticleHit } from '../tiers/ask-wowsearch.ts';
import type { CacheStatsReply } from './ask-wowcache.ts';
import type { Ticket } from '#domains/support';
import type { Topic } from './classify-topic.ts';

/** What a specialist works from: the ticket, the platform's data, and the agents it concerns. */
export interface SpecialistInput {
  db: PgQueryable;
  deadLetters: HandlerContext<unknown, unknown>['deadLetters'];
  ticket: Ticket;
  /** The subject and what the customer wrote. */
  text: string;
  /** Agents the customer named, else those their integration uses. */
  agents: AgentRow[];
  hits: readonly ArticleHit[];
  /**
   * How these agents are doing, as WowAnalytics judges them (undefined: every agent with an
   * incident open): asked over its protocol (analytics.health.report) by the handler.
   */
  healthOf: (agents: string[] | undefined) => Promise<AgentHealth[]>;
  /** The requests these agents answer or ask, and what breaks them, as WowCommunication maps them. */
  protocolsOf: (agents: string[]) => Promise<ProtocolMap>;
  /** The agents asked for the above that did not answer, for the findings. */
  unanswered: readonly string[];
  /** The cache's figures per agent, asked of WowCache for a ticket that reads as performance; undefined otherwise or unanswered. */
  cache?: CacheStatsReply | undefined;
  now: Date;
}

export type AgentHealth = ReplyOf<typeof healthReportProtocol>['agents'][number];

/** What a specialist found and decided. */
export interface Diagnosis {
  topic: Topic;
  /** For the people on the issue: what was looked at and what it showed (an internal note). */
  findings: string[];
  /** For the customer, when the findings answer the question; at L3 it is a draft to approve. */
  answer?: string | undefined;
  /** Who holds the ticket now: the specialist, or the team of people it hands to. */
  assignee: string;
  tier: 'L2' | 'L3';
}

export type Specialist = (input: SpecialistInput) => Promise<Diagnosis>;
