import { describe, expect, it } from 'vitest';
import { isWowError } from '../../errors/define-errors.ts';
import type { MemoryBackend, MemoryOwner } from '../memory-backend.ts';
import { createAgentMemory } from '../create-agent-memory.ts';

/**
 * A backend that records whose memory each call reaches. The platform's part is only to
 * decide the owner (WowMemory's tables are tested in agents/wowmemory against real stores),
 * so what matters here is which owner reaches the backend, and that a refusal reaches none.
 */
function recordingBackend(): { backend: MemoryBackend; reached: MemoryOwner[] } {
  const reached: MemoryOwner[] = [];
  const note = (owner: MemoryOwner) => void reached.push(owner);
  const backend: MemoryBackend = {
    remember: async (owner) => note(owner),
    fact: async (owner) => (note(owner), undefined),
    facts: async (owner) => (note(owner), []),
    forget: async (owner) => (note(owner), false),
    append: async (owner) => note(owner),
    history: async (owner) => (note(owner), []),
    recall: async (owner) => (note(owner), []),
  };
  return { backend, reached };
}

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
};

describe('createAgentMemory', () => {
  it("reaches the delivery's customer and the agent's own memory, and nothing else", async () => {
    const { backend, reached } = recordingBackend();
    const others: string[] = [];
    const memory = createAgentMemory(backend, {
      agent: 'wowsupport',
      customer: 'acme',
      eventId: 'e1',
      what: 'support.ticket.opened (e1)',
      onOtherCustomer: (asked) => others.push(asked),
    });
    expect(memory.customer).toBe('acme');
    await memory.forCustomer().remember('plan', 'Pro');
    await memory.forCustomer('acme').recall('plan');
    await memory.own.history();
    const err = refusal(() => memory.forCustomer('globex'));
    expect(isWowError(err, 'WOW_ERR_MEMORY_OTHER_CUSTOMER')).toBe(true);
    expect((err as Error).message).toContain('customer "acme"');
    expect((err as Error).message).toContain('customer "globex"');
    expect(others).toEqual(['globex']);
    expect(reached).toEqual([
      { kind: 'customer', id: 'acme' },
      { kind: 'customer', id: 'acme' },
      { kind: 'agent', id: 'wowsupport' },
    ]);
  });

  it('reaches no customer for work that is nobody’s: a schedule, or an event naming no customer', async () => {
    const { backend, reached } = recordingBackend();
    const memory = createAgentMemory(backend, {
      agent: 'wowsupport',
      customer: undefined,
      eventId: undefined,
      what: 'a schedule or its setup',
      onOtherCustomer: () => undefined,
    });
    for (const asked of [undefined, 'acme']) {
      const err = refusal(() => memory.forCustomer(asked));
      expect(isWowError(err, 'WOW_ERR_MEMORY_NO_CUSTOMER')).toBe(true);
      expect((err as Error).message).toContain('a schedule or its setup');
    }
    await memory.own.remember('cursor', 1);
    expect(reached).toEqual([{ kind: 'agent', id: 'wowsupport' }]);
  });
});
