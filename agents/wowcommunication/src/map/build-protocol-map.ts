import type { AgentManifest, AgentStatus } from '#platform';
import type { ProtocolEntry, ProtocolFinding, ProtocolMap } from '../protocol-map-protocol.ts';

/** A runtime's circuit for one request type, as recorded from communication.circuit.changed. */
export type CircuitRecord = ProtocolEntry['circuits'][number] & { type: string };

/**
 * The protocol map of `manifests`: each type some agent `answers`, its terms, the agents
 * whose `emits` ask it, and the circuits `circuits` records for it; then what would break
 * its requests. Pure, so `wow protocols` builds it from the agents folder alike (no statuses,
 * no circuits there).
 */
export function buildProtocolMap(input: {
  manifests: readonly Pick<AgentManifest, 'id' | 'emits' | 'answers'>[];
  statuses?: ReadonlyMap<string, AgentStatus>;
  circuits?: readonly CircuitRecord[];
}): ProtocolMap {
  const byType = new Map<string, ProtocolEntry>();
  const entry = (type: string) => {
    let e = byType.get(type);
    if (e === undefined) byType.set(type, (e = { type, answeredBy: [], askedBy: [], circuits: [] }));
    return e;
  };
  for (const m of input.manifests)
    for (const [type, terms] of Object.entries(m.answers ?? {}))
      entry(type).answeredBy.push({
        agent: m.id,
        status: input.statuses?.get(m.id) ?? null,
        timeoutMs: terms.timeoutMs,
        maxTimeoutMs: terms.maxTimeoutMs ?? Math.min(300_000, terms.timeoutMs * 3),
        concurrency: terms.concurrency,
        queue: terms.queue,
      });
  for (const m of input.manifests) for (const type of m.emits) byType.get(type)?.askedBy.push(m.id);
  for (const { type, ...circuit } of input.circuits ?? []) entry(type).circuits.push(circuit);
  const protocols = [...byType.values()].sort((a, b) => a.type.localeCompare(b.type));
  return { protocols, findings: protocols.flatMap(findingsOf) };
}

function findingsOf(p: ProtocolEntry): ProtocolFinding[] {
  const findings: ProtocolFinding[] = [];
  if (p.answeredBy.length > 1)
    findings.push({
      type: p.type,
      problem: 'answered_twice',
      message:
        `${p.answeredBy.map((a) => a.agent).join(' and ')} all answer ${p.type}: ` +
        "each request gets whichever reply comes first; keep it in one agent's answers",
    });
  if (p.answeredBy.length === 0 && p.circuits.length > 0)
    findings.push({
      type: p.type,
      problem: 'unanswered',
      message: `${p.type} is asked (circuits in ${p.circuits.length} runtime(s)) but no registered agent answers it`,
    });
  for (const a of p.answeredBy)
    if (a.status === 'Offline' && p.askedBy.length > 0)
      findings.push({
        type: p.type,
        problem: 'answerer_offline',
        message: `${a.agent} answers ${p.type} but is Offline: ${p.askedBy.join(', ')} wait ${a.timeoutMs} ms for each request and then fail`,
      });
  for (const c of p.circuits)
    if (c.state !== 'closed')
      findings.push({
        type: p.type,
        problem: 'circuit_open',
        message:
          `requests to ${p.type} fail fast in runtime ${c.instance}: ` +
          `its circuit is ${c.state.replace('_', '-')} since ${c.since}${c.reason === null ? '' : ` (${c.reason})`}`,
      });
  return findings;
}
