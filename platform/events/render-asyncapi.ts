import type { EventCatalog } from './build-event-catalog.ts';

// AsyncAPI's component keys: ^[a-zA-Z0-9.\-_]+$ (an event type is already of that alphabet).
const keyOf = (text: string) => text.replace(/[^a-zA-Z0-9.\-_]/g, '_');

/**
 * The catalogue as an AsyncAPI 3.0 document: a channel per event type (its address the type,
 * since the bus routes by it), a message per type whose payload is the CloudEvents envelope
 * with the data a consumer parses, and an operation per sender (`send`) and per consumer
 * (`receive`), named `<who>.sends|receives.<type>`.
 */
export function renderAsyncApi(
  catalog: EventCatalog,
  info: { title: string; version: string },
): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  for (const event of catalog.events) {
    const key = keyOf(event.type);
    const schemas = [
      ...new Map(event.consumers.flatMap((c) => (c.schema ? [[JSON.stringify(c.schema), c.schema]] : []))).values(),
    ];
    messages[key] = {
      name: event.type,
      title: event.type,
      ...(event.model === undefined
        ? {}
        : { summary: event.model.meaning, 'x-domain': event.model.domain, 'x-version': event.model.version }),
      contentType: 'application/cloudevents+json',
      payload: {
        type: 'object',
        required: ['specversion', 'id', 'source', 'type', 'time', 'data'],
        properties: {
          specversion: { const: '1.0' },
          id: { type: 'string' },
          source: { type: 'string', format: 'uri-reference' },
          type: { const: event.type },
          time: { type: 'string', format: 'date-time' },
          signature: {
            type: 'string',
            description:
              "The sender's signature: its batch's proof, or the name of the proof the bus carries (docs/security.md)",
          },
          // The data as its domain model says every sender publishes it (checked at publish), and as
          // each consumer reads it: several consumers may read different parts.
          data: dataSchema(event.model?.schema, schemas),
        },
      },
    };
    channels[key] = { address: event.type, messages: { [key]: { $ref: `#/components/messages/${key}` } } };
    const operation = (action: 'send' | 'receive', who: string) => {
      operations[keyOf(`${who}.${action === 'send' ? 'sends' : 'receives'}.${event.type}`)] = {
        action,
        channel: { $ref: `#/channels/${key}` },
        messages: [{ $ref: `#/channels/${key}/messages/${key}` }],
      };
    };
    for (const producer of event.producers) operation('send', producer.replace(':', '_'));
    for (const consumer of event.consumers) operation('receive', `agent_${consumer.agent}`);
  }
  return {
    asyncapi: '3.0.0',
    info: { ...info, description: 'Every event type of the platform, from its manifests and domains.' },
    defaultContentType: 'application/cloudevents+json',
    channels,
    operations,
    components: { messages },
  };
}

function dataSchema(model: Record<string, unknown> | undefined, consumers: readonly unknown[]): unknown {
  const all = [...(model === undefined ? [] : [model]), ...consumers];
  return all.length === 0 ? {} : all.length === 1 ? all[0] : { allOf: all };
}
