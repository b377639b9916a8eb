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
 * feeds the other) cannot be ordered among themselves and stop together, but only once
 * nothing outside the cycle feeds them, and before the agents they feed: a desk whose two
 * agents hand tickets to each other still has its search to ask while it drains.
 */
export function stopOrder(nodes: readonly StopNode[]): string[][] {
  const rounds: string[][] = [];
  let left = [...nodes];
  while (left.length > 0) {
    const feeders = (node: StopNode) => left.filter((other) => other !== node && feeds(other, node));
    let round = left.filter((node) => feeders(node).length === 0);
    // None free: the cycles nothing else feeds, each node's feeders all reachable from it.
    if (round.length === 0)
      round = left.filter((node) => {
        const reachable = reachableFrom(node, left);
        return feeders(node).every((f) => reachable.has(f));
      });
    rounds.push(round.map((n) => n.id));
    left = left.filter((node) => !round.includes(node));
  }
  return rounds;
}

/** The nodes of `among` that what `start` sends reaches, directly or through others. */
function reachableFrom(start: StopNode, among: readonly StopNode[]): Set<StopNode> {
  const seen = new Set<StopNode>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const from = queue[i] as StopNode;
    for (const to of among)
      if (to !== from && !seen.has(to) && feeds(from, to)) {
        seen.add(to);
        queue.push(to);
      }
  }
  return seen;
}
