import { hash } from 'node:crypto';
import type { CloudEvent } from '../../bus/envelope.ts';

/**
 * The envelope's JSON as its signature covers it, signature left out: the CloudEvents
 * attributes in one fixed order, any other member after them by name, `data` last, each
 * written by JSON.stringify. JSON.stringify of what JSON.parse read back from
 * JSON.stringify is the same text, so this survives any trip through the bus (a Redis
 * stream, the in-process broker, a webhook body sent as received with `data` moved last)
 * while costing one native serialization, not RFC 8785's sort and re-escape of every
 * member (a quarter of the verifier's time when it was JCS). A member changed, added or
 * removed changes the text.
 */
export function signedJson(event: CloudEvent): string {
  const {
    signature: _signature,
    specversion,
    id,
    source,
    type,
    subject,
    time,
    datacontenttype,
    traceparent,
    tracestate,
    partitionkey,
    customer,
    correlationid,
    replyto,
    causedby,
    data,
    ...others
  } = event;
  const known = JSON.stringify({
    specversion,
    id,
    source,
    type,
    subject,
    time,
    datacontenttype,
    traceparent,
    tracestate,
    partitionkey,
    customer,
    correlationid,
    replyto,
    causedby,
  });
  let extra = '';
  // Written member by member: a member named __proto__ would otherwise set a prototype.
  for (const name of Object.keys(others).sort()) {
    const value = JSON.stringify((others as Record<string, unknown>)[name]);
    // As JSON.stringify does: a member with no JSON form is not written, so not sent.
    if (value !== undefined) extra += `,${JSON.stringify(name)}:${value}`;
  }
  return `${known.slice(0, -1)}${extra},"data":${JSON.stringify(data) ?? 'null'}}`;
}

/**
 * The message's Merkle leaf (RFC 9162's leaf hash, merkle-batch.ts): SHA-256 of 0x00 and
 * the UTF-8 of signedJson(), in one hash.
 */
export const eventLeaf = (event: CloudEvent): Buffer => hash('sha256', `\u0000${signedJson(event)}`, 'buffer');
