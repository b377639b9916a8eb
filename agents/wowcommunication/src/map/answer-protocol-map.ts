import type { z } from 'zod';
import { parseManifest, type AgentManifest, type HandlerContext, type PgQueryable } from '#platform';
import { readCircuits } from '../circuits/read-circuits.ts';
import type { protocolMapProtocol, ProtocolMap } from '../protocol-map-protocol.ts';
import { buildProtocolMap } from './build-protocol-map.ts';

/** Every registered agent's manifest, as its runtime recorded it; one that no longer parses is left out. */
async function registeredManifests(db: PgQueryable): Promise<AgentManifest[]> {
  const { rows } = await db.query<{ id: string; manifest: unknown }>('select id, manifest from agents order by id');
  return rows.flatMap((r) => {
    const parsed = parseManifest(JSON.stringify(r.manifest), `registry:${r.id}`, r.id);
    return 'manifest' in parsed ? [parsed.manifest] : [];
  });
}

/** Answers communication.protocols.map from the registry and the circuits recorded; read-only. */
export async function answerProtocolMap(
  ctx: HandlerContext<unknown, unknown>,
  request: z.output<typeof protocolMapProtocol.input>,
): Promise<ProtocolMap> {
  const [manifests, agents, circuits] = await Promise.all([
    registeredManifests(ctx.store),
    ctx.agents(),
    readCircuits(ctx.store),
  ]);
  const map = buildProtocolMap({ manifests, statuses: new Map(agents.map((a) => [a.id, a.status])), circuits });
  const wanted = request.agents;
  if (wanted === undefined) return map;
  const protocols = map.protocols.filter(
    (p) => p.answeredBy.some((a) => wanted.includes(a.agent)) || p.askedBy.some((a) => wanted.includes(a)),
  );
  const types = new Set(protocols.map((p) => p.type));
  return { protocols, findings: map.findings.filter((f) => types.has(f.type)) };
}
