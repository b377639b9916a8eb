import type { Logger, PgQueryable, SecretBox } from '#platform';
import type { Connector } from './connectors/connector.ts';
import type { ConnectorGate } from './delivery/connector-gates.ts';

/** What delivering and refreshing need, from the agent's context and state. */
export interface IntegrationDeps {
  db: PgQueryable;
  secrets: SecretBox;
  log: Logger;
  now: () => Date;
  gateOf: (connector: Connector) => ConnectorGate;
}
