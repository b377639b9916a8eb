import { z } from 'zod';
import { defineProtocol } from '#platform';

const agentId = z
  .string()
  .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, { error: 'expected an agent id' })
  .max(64);
const circuitState = z.enum(['closed', 'open', 'half_open']);

/** One request type: who answers it on what terms, who asks it, and how its circuits stand in the live runtimes. */
const protocolEntry = z.strictObject({
  type: z.string(),
  answeredBy: z.array(
    z.strictObject({
      agent: agentId,
      /** Available, Working or Offline as the registry judges it; null when the agent is not registered. */
      status: z.enum(['Available', 'Working', 'Offline']).nullable(),
      timeoutMs: z.int(),
      maxTimeoutMs: z.int(),
      concurrency: z.int(),
      queue: z.int(),
    }),
  ),
  askedBy: z.array(agentId),
  circuits: z.array(
    z.strictObject({
      instance: z.string(),
      state: circuitState,
      since: z.iso.datetime(),
      reason: z.string().nullable(),
      openings: z.int(),
    }),
  ),
});

const finding = z.strictObject({
  type: z.string(),
  problem: z.enum(['answered_twice', 'unanswered', 'answerer_offline', 'circuit_open']),
  message: z.string(),
});

/**
 * communication.protocols.map: who asks what of whom. With `agents`, only the request
 * types those agents answer or ask. WowSupport's performance specialist asks it for the
 * agents a ticket names.
 */
export const protocolMapProtocol = defineProtocol({
  type: 'communication.protocols.map',
  input: z.strictObject({ agents: z.array(agentId).max(50).optional() }),
  output: z.strictObject({ protocols: z.array(protocolEntry), findings: z.array(finding) }),
});

export type ProtocolMap = z.output<typeof protocolMapProtocol.output>;
export type ProtocolEntry = ProtocolMap['protocols'][number];
export type ProtocolFinding = ProtocolMap['findings'][number];
