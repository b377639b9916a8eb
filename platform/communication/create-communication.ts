import type { AgentManifest } from '../agent/manifest-schema.ts';
import type { CommunicationServices } from './create-requester.ts';
import { createProtocolDirectory } from './protocol-directory.ts';
import { createRequestGates, type BreakerSettings } from './request-gates.ts';
import type { RequestObserver } from './request-observer.ts';
import { noTracing, type Tracing } from './tracing.ts';

/** One host's request machinery: who answers what (from `manifests`), the gates per type, and its tracing. */
export function createCommunication(opts: {
  manifests: readonly Pick<AgentManifest, 'id' | 'answers'>[];
  observer?: RequestObserver | undefined;
  breaker?: BreakerSettings | undefined;
  tracing?: Tracing | undefined;
  /** The host's instance, the source of the request outcomes it publishes. */
  instanceId?: string | undefined;
}): CommunicationServices {
  return {
    directory: createProtocolDirectory(opts.manifests),
    gates: createRequestGates({
      ...(opts.observer === undefined ? {} : { observer: opts.observer }),
      ...(opts.breaker === undefined ? {} : { breaker: opts.breaker }),
    }),
    tracing: opts.tracing ?? noTracing,
    runtimeSource: `urn:wow:runtime:${opts.instanceId ?? 'local'}`,
  };
}
