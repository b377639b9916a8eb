import { typeMatches } from '../bus/envelope.ts';

export interface StopNode {
  id: string;
  emits: readonly string[];
  wakesOn: readonly string[];
}

/** Whether what `from` sends (an event or a request) may wake `to`. */
const feeds = (from: StopNode, to: StopNode) =>
  from.emits.some((type) => to.wakesOn.some((w) => typeMatches(w, type) || typeMatches(type, w)));

/**
 * The order a host stops its agents in, as rounds stopped one after another. An agent
 * stops only once no agent still running sends it work: a handler that awaits
 * `ctx.request` to another agent in this process is answered while it drains, instead of
 * waiting on a responder that stopped first and being abandoned. Agents in a cycle (each
 * feeds the other) cannot be ordered and stop together in the last round.
 */
export function stopOrder(nodes: readonly StopNode[]): string[][] {
  const rounds: string[][] = [];
  let left = [...nodes];
  while (left.length > 0) {
    const round = left.filter((node) => !left.some((other) => other !== node && feeds(other, node)));
    if (round.length === 0) {
      rounds.push(left.map((n) => n.id));
      break;
    }
    rounds.push(round.map((n) => n.id));
    left = left.filter((node) => !round.includes(node));
  }
  return rounds;
}
