import { decodeJWT } from 'did-jwt';
import { verifyCredential } from 'did-jwt-vc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEvent,
  createIdentity,
  createLogger,
  isWowError,
  loadConfig,
  statusListBit,
  type AgentRelease,
  type Identity,
  type MessageGuard,
} from '#platform';
import { activateVersion, recordDraft } from '../../deploy/version-registry.ts';
import { registerAgent } from '../../registry/registry.ts';
import { lifecycleHistory } from '../lifecycle/agent-lifecycle.ts';
import { createMemoryReplayCache } from '../messages/replay-cache.ts';
import { storeBackends, type TestStore } from '../../../test/support/test-stores.ts';

// Lifecycle beyond deploys: Active → Suspended → Active, and either to Revoked for good, with
// who and why kept; a halted agent's credentials grant nothing and are not renewed, and its
// messages are refused by name. (The runtime's side, stopping its instances, is in
// platform/agent/test/agent-host.test.ts.)
const settings = loadConfig({
  PUBLIC_URL: 'https://waooaw.example.com',
  IDENTITY_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
}).identity;

const release: AgentRelease = {
  agentId: 'mailer',
  treeHash: 'a'.repeat(40),
  commit: 'c'.repeat(40),
  manifest: {
    id: 'mailer',
    name: 'Mailer',
    version: '1.0.0',
    description: 'Sends mail.',
    wakesOn: [],
    emits: ['test.mail.sent'],
    capabilities: [],
    stores: [],
    uses: [],
    ordered: false,
    tier: 'Platform CoE',
  },
  files: [],
};

describe.each(storeBackends('lifecycle'))('agent lifecycle on $name', (backend) => {
  let test: TestStore;
  let identity: Identity;
  let guard: MessageGuard;
  const refusal = async () => {
    const event = await guard.sign(createEvent({ type: 'test.mail.sent', data: {}, source: 'urn:wow:agent:mailer' }));
    try {
      await guard.verify(event, { group: 'reader', entryId: `${event.id}-0`, publishedAt: Date.now() });
      return 'accepted';
    } catch (err) {
      if (isWowError(err, 'WOW_ERR_MESSAGE_REFUSED')) return String(err.data?.reason);
      throw err;
    }
  };
  const refused = async (change: 'suspend' | 'resume' | 'revoke', reason: string, id = 'mailer') => {
    const err: unknown = await identity.lifecycle.change(id, change, { actor: 'test', reason }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isWowError(err, 'WOW_ERR_LIFECYCLE')).toBe(true);
    return (err as Error).message;
  };

  beforeAll(async () => {
    test = await backend.open();
    identity = await createIdentity({ settings, store: test.store, log: createLogger('silent') });
    await identity.ensure('mailer', { actor: 'test' });
    await registerAgent(test.store, release.manifest);
    await recordDraft(test.store, release);
    await activateVersion(test.store, 'mailer', release.treeHash, 'test');
    await identity.credentials.ensure('mailer', { actor: 'test', force: true });
    guard = identity.messageGuard({ platformTypes: [], replay: createMemoryReplayCache(), cacheMs: 1 });
  });
  afterAll(async () => test.close());

  it('suspends: credentials grant nothing and are not renewed, messages are refused as suspended; resume undoes it', async () => {
    expect(await identity.lifecycle.of('mailer')).toBe('active');
    expect(await refusal()).toBe('accepted');
    expect(await identity.lifecycle.change('mailer', 'suspend', { actor: 'octocat', reason: ' incident 7 ' })).toEqual({
      state: 'suspended',
      previous: 'active',
    });
    expect(await identity.lifecycle.of('mailer')).toBe('suspended');
    expect(await identity.capabilitiesOf('mailer')).toBeUndefined();
    expect(await identity.holdsCapability('mailer', 'emit:test.mail.sent')).toBe(false);
    expect(await identity.credentials.ensure('mailer', { actor: 'test', force: true })).toBeUndefined();
    expect((await identity.credentials.renewDue({ actor: 'test' })).renewed).toEqual([]);
    expect(await refusal()).toBe('suspended');

    expect(await refused('suspend', 'again')).toContain('it is suspended, and only an agent that is active');
    await identity.lifecycle.change('mailer', 'resume', { actor: 'octocat', reason: 'incident 7 closed' });
    expect(await identity.capabilitiesOf('mailer')).toMatchObject({ emits: ['test.mail.sent'] });
    expect(await refusal()).toBe('accepted');
    expect(await refused('resume', 'again')).toContain('it is active, and only an agent that is suspended');
  });

  it("refuses a suspended sender's messages once the status is read again, though its batch's verdict is still held", async () => {
    // An agent of its own, so that the history the other tests read stays theirs.
    const courier: AgentRelease = {
      ...release,
      agentId: 'courier',
      treeHash: 'b'.repeat(40),
      manifest: { ...release.manifest, id: 'courier', name: 'Courier' },
    };
    await identity.ensure('courier', { actor: 'test' });
    await registerAgent(test.store, courier.manifest);
    await recordDraft(test.store, courier);
    await activateVersion(test.store, 'courier', courier.treeHash, 'test');
    await identity.credentials.ensure('courier', { actor: 'test', force: true });
    // A guard that keeps what it read for 5 s, on a clock the test moves.
    let now = Date.now();
    const clocked = await createIdentity({
      settings,
      store: test.store,
      log: createLogger('silent'),
      clock: () => new Date(now),
    });
    const held = clocked.messageGuard({ platformTypes: [], replay: createMemoryReplayCache(() => now), cacheMs: 5000 });
    const signed = (n: number) =>
      held.sign(createEvent({ type: 'test.mail.sent', data: { n }, source: 'urn:wow:agent:courier' }));
    const verdict = async (event: Awaited<ReturnType<typeof signed>>) => {
      try {
        await held.verify(event, { group: 'reader', entryId: `${event.id}-0`, publishedAt: now });
        return 'accepted';
      } catch (err) {
        if (isWowError(err, 'WOW_ERR_MESSAGE_REFUSED')) return String(err.data?.reason);
        throw err;
      }
    };
    // The status is read at t0; a second on, a batch is verified and its verdict held until t0 + 6.
    expect(await verdict(await signed(0))).toBe('accepted');
    now += 1000;
    const [first, second, third] = await Promise.all([signed(1), signed(2), signed(3)]);
    expect(await verdict(first)).toBe('accepted');
    await identity.lifecycle.change('courier', 'suspend', { actor: 'test', reason: 'incident 8' });
    try {
      // Past the status's 5 s, within the batch's: the status is read again and wins.
      now += 4500;
      expect(await verdict(second)).toBe('suspended');
      expect(await verdict(third)).toBe('suspended');
    } finally {
      await identity.lifecycle.change('courier', 'resume', { actor: 'test', reason: 'incident 8 closed' });
    }
  });

  it('judges a read by the answers it waited for, though the store answers slower than they are kept', async () => {
    // Every query of the sender's state and credential 20 ms late, and nothing kept past 1 ms.
    const slow = new Proxy(test.store, {
      get(target, name, receiver) {
        if (name !== 'query') return Reflect.get(target, name, receiver) as unknown;
        return async (text: string, values?: unknown[]) => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          return target.query(text, values);
        };
      },
    });
    const slowIdentity = await createIdentity({ settings, store: slow, log: createLogger('silent') });
    const slowGuard = slowIdentity.messageGuard({ platformTypes: [], replay: createMemoryReplayCache(), cacheMs: 1 });
    const event = await guard.sign(createEvent({ type: 'test.mail.sent', data: {}, source: 'urn:wow:agent:mailer' }));
    const verdict = slowGuard.verify(event, { group: 'slow', entryId: `${event.id}-0`, publishedAt: Date.now() }).then(
      () => 'accepted',
      (err: unknown) => (isWowError(err, 'WOW_ERR_MESSAGE_REFUSED') ? String(err.data?.reason) : err),
    );
    const late = new Promise((resolve) => setTimeout(() => resolve('still asking the store'), 5000));
    expect(await Promise.race([verdict, late])).toBe('accepted');
  });

  it('refuses a change without a reason, with hidden characters, or for an agent the registry does not know', async () => {
    expect(await refused('suspend', '   ')).toContain('give a reason');
    expect(await refused('suspend', 'fine\u202eenif')).toContain('control, direction or zero-width');
    expect(await refused('suspend', 'x'.repeat(501))).toContain('longer than 500');
    expect(await refused('suspend', 'who', 'nobody')).toContain('no agent has that id');
    expect(await identity.lifecycle.of('mailer')).toBe('active');
  });

  it('publishes suspension and revocation in signed Bitstring Status Lists that the capability credential points at', async () => {
    const jwt = (await identity.show('mailer'))?.credentials.find(
      (c) => c.kind === 'capability' && c.status === 'active',
    )?.jwt;
    const { vc } = decodeJWT(jwt ?? '').payload as { vc: { credentialStatus: Array<Record<string, string>> } };
    expect(vc.credentialStatus).toEqual([
      expect.objectContaining({
        type: 'BitstringStatusListEntry',
        statusPurpose: 'suspension',
        statusListCredential: 'https://waooaw.example.com/identity/status/suspension',
      }),
      expect.objectContaining({ statusPurpose: 'revocation' }),
    ]);
    const index = Number(vc.credentialStatus[0]?.statusListIndex);
    /** The bit of `mailer` in the list, read as an outside verifier does: did-jwt-vc checks the list's signature first. */
    const bit = async (purpose: 'suspension' | 'revocation') => {
      const list = await identity.lifecycle.statusList(purpose);
      const verified = await verifyCredential(
        list ?? '',
        identity.resolver as unknown as Parameters<typeof verifyCredential>[1],
      );
      expect(verified.verifiableCredential.type).toContain('BitstringStatusListCredential');
      const subject = verified.verifiableCredential.credentialSubject as { statusPurpose: string; encodedList: string };
      expect(subject.statusPurpose).toBe(purpose);
      return statusListBit(subject.encodedList, index);
    };
    expect([await bit('suspension'), await bit('revocation')]).toEqual([false, false]);
    await identity.lifecycle.change('mailer', 'suspend', { actor: 'octocat', reason: 'list drill' });
    expect([await bit('suspension'), await bit('revocation')]).toEqual([true, false]);
    await identity.lifecycle.change('mailer', 'resume', { actor: 'octocat', reason: 'list drill over' });
    expect([await bit('suspension'), await bit('revocation')]).toEqual([false, false]);
  });

  it('revokes for good, and keeps every change with who and why', async () => {
    await identity.lifecycle.change('mailer', 'revoke', { actor: 'security', reason: 'key leaked' });
    expect(await refusal()).toBe('revoked');
    const list = decodeJWT((await identity.lifecycle.statusList('revocation')) ?? '').payload as {
      vc: { credentialSubject: { encodedList: string } };
    };
    const entry = (await identity.show('mailer'))?.credentials.find((c) => c.kind === 'capability')?.jwt ?? '';
    const index = Number(
      (decodeJWT(entry).payload as { vc: { credentialStatus: Array<Record<string, string>> } }).vc.credentialStatus[1]
        ?.statusListIndex,
    );
    expect(statusListBit(list.vc.credentialSubject.encodedList, index)).toBe(true);
    expect(await refused('resume', 'please')).toContain('it is revoked, which is final');
    expect(await refused('suspend', 'please')).toContain('it is revoked, which is final');
    expect(
      (await lifecycleHistory(test.store, 'mailer')).map(({ event, actor, reason }) => [event, actor, reason]),
    ).toEqual([
      ['suspended', 'octocat', 'incident 7'],
      ['resumed', 'octocat', 'incident 7 closed'],
      ['suspended', 'octocat', 'list drill'],
      ['resumed', 'octocat', 'list drill over'],
      ['revoked', 'security', 'key leaked'],
    ]);
  });
});
