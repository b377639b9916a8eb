import type { Priority, Ticket, Tier } from '#domains/support';

// Labels the platform alone writes on a ticket's issue (the single-writer rule): a person
// may change tier and priority by adding a label, and the desk then rewrites the set.
const platformLabel = /^(?:support|tier:.+|priority:.+|status:.+|sync:paused|needs-approval|team:.+)$/;

export interface LabelState {
  ticket: Pick<Ticket, 'tier' | 'priority' | 'status'> & { topic?: string | null };
  paused: boolean;
  awaitingApproval: boolean;
}

export function ticketLabels(state: LabelState): string[] {
  const { ticket } = state;
  return [
    'support',
    `tier:${ticket.tier}`,
    `priority:${ticket.priority}`,
    `status:${ticket.status.replace('_', '-')}`,
    ...(ticket.topic === undefined || ticket.topic === null ? [] : [`team:${ticket.topic}`]),
    ...(state.paused ? ['sync:paused'] : []),
    ...(state.awaitingApproval ? ['needs-approval'] : []),
  ];
}

/** The labels as they should be: people's own labels kept, the platform's replaced. */
export function mergeLabels(current: readonly string[], state: LabelState): string[] {
  return [...current.filter((l) => !platformLabel.test(l)), ...ticketLabels(state)];
}

const tiers: readonly string[] = ['L1', 'L2', 'L3'];
const priorities: readonly string[] = ['urgent', 'high', 'normal', 'low'];

/** What a label a person added asks for: a tier or a priority, or nothing the desk reads. */
export function requestedByLabel(name: string): { tier?: Tier; priority?: Priority } {
  const [kind, value = ''] = name.split(':');
  if (kind === 'tier' && tiers.includes(value.toUpperCase())) return { tier: value.toUpperCase() as Tier };
  if (kind === 'priority' && priorities.includes(value.toLowerCase()))
    return { priority: value.toLowerCase() as Priority };
  return {};
}
