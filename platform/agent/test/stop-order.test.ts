import { describe, expect, it } from 'vitest';
import { stopOrder } from '../stop-order.ts';

const node = (id: string, emits: string[], wakesOn: string[]) => ({ id, emits, wakesOn });

describe('stopOrder', () => {
  it('stops the agents that send work before those that take it, matching patterns', () => {
    const support = node('support', ['search.articles', 'support.ticket.answered'], ['support.ticket.opened']);
    const search = node('search', [], ['search.*']);
    const mailer = node('mailer', [], ['support.ticket.answered']);
    const lone = node('lone', [], ['lone.work']);
    expect(stopOrder([search, mailer, support, lone])).toEqual([
      ['support', 'lone'],
      ['search', 'mailer'],
    ]);
  });

  it('stops a chain one link at a time, and agents in a cycle together at the end', () => {
    const a = node('a', ['x.b'], []);
    const b = node('b', ['x.c'], ['x.b']);
    const c = node('c', ['x.d'], ['x.c', 'x.d']);
    const d = node('d', ['x.c'], ['x.d']);
    expect(stopOrder([d, c, b, a])).toEqual([['a'], ['b'], ['d', 'c']]);
  });

  it('stops a cycle before the agents only it feeds: the desk still has its search while it drains', () => {
    const support = node('support', ['search.articles', 'support.ticket.answered'], ['support.ticket.rerouted']);
    const notify = node('notify', ['support.ticket.rerouted'], ['support.ticket.*']);
    const search = node('search', [], ['search.articles']);
    expect(stopOrder([notify, search, support])).toEqual([['notify', 'support'], ['search']]);
  });

  it('does not hold an agent back for the work it sends itself', () => {
    expect(stopOrder([node('self', ['x.y'], ['x.y'])])).toEqual([['self']]);
  });
});
