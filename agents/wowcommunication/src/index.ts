// WowCommunication: keeps the map of which agent asks what of which other, and watches
// every runtime's request circuits. Agents declare the requests they answer in agent.yml
// (`answers:`) with a protocol their public entry exports; runtimes publish each circuit
// change of their requests (communication.circuit.changed), which this agent keeps; and it
// answers communication.protocols.map with who answers what on which terms, who asks it,
// how its circuits stand, and what would break it. `wow protocols` prints the same map
// from the agents folder.
import { answering, defineAgent } from '#platform';
import { circuitChange, recordCircuitChange } from './circuits/record-circuit-change.ts';
import { pruneCircuits } from './circuits/read-circuits.ts';
import { answerProtocolMap } from './map/answer-protocol-map.ts';
import { protocolMapProtocol } from './protocol-map-protocol.ts';

// `wow protocols` (cli/commands/protocols.ts) builds the map from the agents folder; callers ask with the protocol.
export { buildProtocolMap, type CircuitRecord } from './map/build-protocol-map.ts';
export {
  protocolMapProtocol,
  type ProtocolEntry,
  type ProtocolFinding,
  type ProtocolMap,
} from './protocol-map-protocol.ts';

export default defineAgent({
  on: {
    'communication.protocols.map': answering(protocolMapProtocol, answerProtocolMap),
    'communication.circuit.changed': { input: circuitChange, handle: recordCircuitChange },
  },
  every: {
    // A runtime that stopped takes its circuits with it.
    prune: {
      interval: 3_600_000,
      async handle(ctx) {
        const dropped = await pruneCircuits(ctx.store);
        if (dropped > 0) ctx.log.info({ dropped }, 'forgot the circuits of stopped runtimes');
      },
    },
  },
});
