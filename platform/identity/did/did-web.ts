import { createError } from '../errors.ts';

/** Whose identity: the platform's own (its issuer), or a deployed agent's by id. */
export type Subject = 'platform' | (string & {});

// An agent id as agent.yml allows it (platform/agent/manifest-schema.ts).
const agentId = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Returns `subject` if it names the platform or could be an agent's id; throws WOW_ERR_IDENTITY_SUBJECT otherwise. */
export function assertSubjectValid(subject: string): Subject {
  if (subject === 'platform' || (subject.length <= 64 && agentId.test(subject))) return subject;
  throw createError('WOW_ERR_IDENTITY_SUBJECT', {
    subject: subject.slice(0, 80),
    problem: 'and this is neither',
  });
}

/**
 * The did:web method-specific id of an origin: its host, with a port's colon
 * percent-encoded as the did:web specification requires (did:web:localhost%3A3000).
 */
export function didHostOf(publicUrl: string): string {
  return new URL(publicUrl).host.toLowerCase().replace(':', '%3A');
}

/** did:web:<host> for the platform; did:web:<host>:agents:<id> for an agent, served at /agents/<id>/did.json. */
export function didOf(host: string, subject: Subject): string {
  return subject === 'platform' ? `did:web:${host}` : `did:web:${host}:agents:${subject}`;
}

/** Whose DID `did` is, if it is one of this host's; undefined for anything else. */
export function subjectOf(did: string, host: string): Subject | undefined {
  if (did === `did:web:${host}`) return 'platform';
  const prefix = `did:web:${host}:agents:`;
  if (!did.startsWith(prefix)) return undefined;
  const id = did.slice(prefix.length);
  return id !== 'platform' && agentId.test(id) && id.length <= 64 ? id : undefined;
}
