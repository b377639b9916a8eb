import { Resolver, type DIDResolutionResult } from 'did-resolver';
import type { PgQueryable } from '../../store/store.ts';
import { listKeys } from '../identity-keys.ts';
import { buildDidDocument } from './did-document.ts';
import { subjectOf } from './did-web.ts';

const notFound = (message: string): DIDResolutionResult => ({
  didDocument: null,
  didDocumentMetadata: {},
  didResolutionMetadata: { error: 'notFound', message },
});

/**
 * A did-resolver `Resolver` for this platform's own DIDs, read from the database the
 * platform serves them from: a rotation is seen at once by every process, with no HTTP
 * round trip and no cache to go stale. Any other DID is not found, and nothing is fetched:
 * resolving a DID a stranger wrote must never make this server call out (SSRF).
 */
export function createDidResolver(opts: { db: PgQueryable; host: string; clock: () => Date }): Resolver {
  return new Resolver({
    web: async (_did, parsed) => {
      const subject = subjectOf(parsed.did, opts.host);
      if (subject === undefined) return notFound(`only this platform's DIDs (did:web:${opts.host}…) are resolved here`);
      const didDocument = buildDidDocument(parsed.did, await listKeys(opts.db, subject), opts.clock());
      if (didDocument === undefined) return notFound(`${parsed.did} has no keys`);
      return {
        didDocument,
        didDocumentMetadata: {},
        didResolutionMetadata: { contentType: 'application/did+ld+json' },
      };
    },
  });
}
