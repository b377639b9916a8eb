import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

/**
 * The web form's submission ids. Each rendering of the form carries a fresh one, so the
 * same form posted twice (a reload, a double click) is one ticket. The id is the server's,
 * signed with its key, never a client's choice: `<uuid>.<HMAC-SHA256(key, uuid), base64url>`.
 * A signature alone does not make an id private (anyone may fetch a form and plant its id
 * in a page that posts to ours), so a post is taken as a repeat only when it also says
 * what the first said (see submitWebForm).
 */
export function signSubmission(key: Buffer, id: string = randomUUID()): string {
  return `${id}.${mac(key, id)}`;
}

/** The id a submission token carries, when this server signed it; undefined for anything else. */
export function readSubmission(key: Buffer, token: string | undefined): string | undefined {
  const [id, signature, ...rest] = (token ?? '').split('.');
  if (id === undefined || signature === undefined || rest.length > 0 || !/^[0-9a-f-]{36}$/.test(id)) return undefined;
  const expected = Buffer.from(mac(key, id));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given) ? id : undefined;
}

function mac(key: Buffer, id: string): string {
  return createHmac('sha256', key).update(`waooaw-support-form:${id}`).digest('base64url');
}
