import {
  createIdentity,
  createMemoryReplayCache,
  loadConfig,
  loadManifests,
  openStore,
  type MessageGuard,
} from '#platform';
import { quietLog } from '#platform/testing';

const fixtures = new URL('../fixtures/agents', import.meta.url).pathname;

/** The master key the tests give the processes they start, so that what a test signs they can verify. */
export const testMasterKey = Buffer.alloc(32, 7).toString('base64');

/**
 * A message guard that signs as the fixture agent `id`, holding the credential a process
 * running that agent from its folder would hold: a test that publishes through a bus with
 * it is a sender the runtime's verifier accepts, for the types the agent emits. Keys are
 * reused for `keyCacheMs` (default an hour), so a test can keep sending while the
 * database is away.
 */
export async function signingAs(
  id: string,
  opts: { databaseUrl: string; masterKey?: string; keyCacheMs?: number },
): Promise<{ guard: MessageGuard; source: string; close(): Promise<void> }> {
  const config = loadConfig({ DATABASE_URL: opts.databaseUrl, IDENTITY_MASTER_KEY: opts.masterKey ?? testMasterKey });
  const store = await openStore(config, quietLog);
  try {
    const identity = await createIdentity({ settings: config.identity, store, log: quietLog });
    const fixture = (await loadManifests(fixtures)).find((m) => m.manifest.id === id);
    if (fixture === undefined) throw new Error(`no fixture agent ${id} in ${fixtures}`);
    await identity.credentials.ensureWorkingTree(fixture.manifest, { actor: 'test' });
    const guard = identity.messageGuard({
      platformTypes: [],
      replay: createMemoryReplayCache(),
      cacheMs: opts.keyCacheMs ?? 3_600_000,
    });
    return { guard, source: `urn:wow:agent:${id}`, close: () => store.close() };
  } catch (err) {
    await store.close();
    throw err;
  }
}
