import type { Config } from './config/load-config.ts';
import { createEventSchemaCheck, type EventSchemaCheck } from './domain/event-schema-check.ts';
import { loadDomainModels } from './domain/load-domain-models.ts';
import type { Logger } from './log/logger.ts';

// The domain models ship with the platform's code, wherever AGENTS_DIR points.
const domainsDir = new URL('../domains/', import.meta.url).pathname;

/**
 * The check of published event data against the domain models (EVENT_SCHEMA_CHECK), or
 * undefined when it is off. A model that does not load stops the process: every event of
 * its domain would otherwise go out unchecked.
 */
export async function openEventSchemaCheck(
  config: Config,
  log: Logger,
  dir: string = domainsDir,
): Promise<EventSchemaCheck | undefined> {
  const mode = config.bus.schemaCheck;
  if (mode === 'off') return undefined;
  return createEventSchemaCheck({
    models: await loadDomainModels(dir),
    mode,
    onMismatch: (m) =>
      log.warn(
        { type: m.type, model: m.model, version: m.version, field: m.field },
        `published ${m.type} whose data does not match its model: ${m.field} ${m.problem} (EVENT_SCHEMA_CHECK=warn)`,
      ),
  });
}
