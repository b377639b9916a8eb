import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { createDidResolver, didHostOf, didOf, statusListJwt, statusPurposes, subjectOf, type Store } from '#platform';
import { createError } from '../errors.ts';

export interface DidDocumentsOptions {
  store: Store;
  /** PUBLIC_URL: its host names the DIDs served. */
  publicUrl: string;
  /** IDENTITY_KEY_PUBLISH_SECONDS: a new key is published this long before it signs, so caches may keep a document this long. */
  cacheSeconds: number;
  clock: () => Date;
}

/**
 * The did:web documents: the platform's at `/.well-known/did.json` and each agent's at
 * `/agents/<id>/did.json`, as the did:web method maps did:web:<host> and
 * did:web:<host>:agents:<id> to URLs; and the status lists (suspension, revocation) at
 * `/identity/status/<purpose>`, the signed BitstringStatusListCredential JWTs the identity
 * layer stores on every lifecycle change. They are public by design, read by any verifier.
 */
export const didDocuments: FastifyPluginAsync<DidDocumentsOptions> = async (app, opts) => {
  const host = didHostOf(opts.publicUrl);
  const resolver = createDidResolver({ db: opts.store, host, clock: opts.clock });

  const serve = async (reply: FastifyReply, did: string) => {
    const { didDocument } = await resolver.resolve(did);
    if (didDocument === null) {
      const err = createError('WOW_ERR_DID_NOT_FOUND', { did: did.slice(0, 120) });
      return reply.code(404).send({ code: err.code, message: err.message });
    }
    return reply
      .type('application/did+ld+json')
      .header('cache-control', opts.cacheSeconds === 0 ? 'no-cache' : `max-age=${opts.cacheSeconds}`)
      .header('access-control-allow-origin', '*')
      .send(didDocument);
  };

  app.get('/.well-known/did.json', async (_req, reply) => serve(reply, didOf(host, 'platform')));
  app.get<{ Params: { id: string } }>('/agents/:id/did.json', async (req, reply) => {
    // A stranger's path segment: only a valid agent id becomes a DID, and it is never echoed whole.
    const did = `did:web:${host}:agents:${req.params.id}`;
    if (subjectOf(did, host) === undefined) {
      const err = createError('WOW_ERR_DID_NOT_FOUND', { did: did.slice(0, 120) });
      return reply.code(404).send({ code: err.code, message: err.message });
    }
    return serve(reply, did);
  });
  app.get<{ Params: { purpose: string } }>('/identity/status/:purpose', async (req, reply) => {
    const purpose = statusPurposes.find((p) => p === req.params.purpose);
    const jwt = purpose === undefined ? undefined : await statusListJwt(opts.store, purpose);
    if (jwt === undefined) {
      const err = createError('WOW_ERR_STATUS_LIST_NOT_FOUND', {});
      return reply.code(404).send({ code: err.code, message: err.message });
    }
    // Verifiers cache it briefly: a suspension must reach them within a minute.
    return reply
      .type('application/vc+jwt')
      .header('cache-control', 'max-age=60')
      .header('access-control-allow-origin', '*')
      .send(jwt);
  });
};
