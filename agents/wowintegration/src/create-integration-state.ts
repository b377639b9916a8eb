import { resolve } from 'node:path';
import type { SecretBox, SetupContext } from '#platform';
import type { Connector } from './connectors/connector.ts';
import { loadConnectors } from './connectors/load-connectors.ts';
import { createConnectorGate, type ConnectorGate } from './delivery/connector-gates.ts';
import { createError } from './errors.ts';
import type { IntegrationSettings } from './integration-settings.ts';

export interface IntegrationState {
  dir: string;
  connectors: Connector[];
  secrets: SecretBox;
  /** One gate per connector for the process's life: its circuit remembers the API's failures across deliveries. */
  gateOf: (connector: Connector) => ConnectorGate;
}

/**
 * Loads the connectors and checks that the agent wakes on every event they deliver (an
 * event it does not wake on would never reach them). Credentials are sealed with the
 * platform's identity, so a host without one cannot run WowIntegration.
 */
export async function createIntegrationState(
  ctx: SetupContext<IntegrationSettings>,
  wakesOn: readonly string[],
): Promise<IntegrationState> {
  const dir = resolve(ctx.settings.dir);
  const connectors = await loadConnectors(dir);
  const problems = connectors.flatMap((c) =>
    c.deliver
      .filter((d) => !wakesOn.includes(d.event))
      .map(
        (d) =>
          `${dir}/${c.name}/connector.yml deliver: WowIntegration does not wake on ${d.event}; ` +
          'add it to agents/wowintegration/agent.yml wakesOn and its handlers',
      ),
  );
  if (problems.length > 0) throw createError('WOW_ERR_CONNECTOR_INVALID', { dir, problems: problems.join('\n') });
  if (ctx.identity === undefined)
    throw createError('WOW_ERR_CONNECTOR_INVALID', {
      dir,
      problems:
        "this host runs without the platform identity, whose master key seals the connectors' credentials; run WowIntegration under `wow start`",
    });
  const gates = new Map<string, ConnectorGate>(connectors.map((c) => [c.name, createConnectorGate(c)]));
  return {
    dir,
    connectors,
    secrets: ctx.identity.secrets,
    gateOf: (connector) => gates.get(connector.name) ?? createConnectorGate(connector),
  };
}
