import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCheckout, writeAgent } from '../../../test/support/agent-checkout.ts';

const manifest = (id: string, extra: string) =>
  `id: ${id}\nname: ${id}\nversion: 1.0.0\ndescription: A test agent.\n${extra}`;

/**
 * A checkout with two agents written as their authors would: "answerer" declares
 * test.echo.asked in `answers` and exports its protocol; "asker" requests it through
 * `ctx.request` when told to (test.ask.go) and replies what it got, or the error's code.
 * "answerer" also emits test.echo.noted on each answer, for the trace.
 */
export async function makeRequestCheckout(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wow-requests-'));
  await makeCheckout(dir);
  await writeAgent(dir, 'answerer', {
    'agent.yml': manifest(
      'answerer',
      [
        'wakesOn: [test.echo.asked]',
        'emits: [test.echo.noted]',
        'answers:',
        '  test.echo.asked: { timeoutMs: 2000, maxTimeoutMs: 5000, concurrency: 1, queue: 0 }',
        'maxAttempts: 1',
        '',
      ].join('\n'),
    ),
    'src/index.ts': `import { z } from 'zod';
import { answering, defineAgent, defineProtocol } from '#platform';

export const echoProtocol = defineProtocol({
  type: 'test.echo.asked',
  input: z.strictObject({ word: z.string().max(20), times: z.int().min(1).max(5).default(1) }),
  output: z.strictObject({ echo: z.string() }),
});

export default defineAgent({
  on: {
    'test.echo.asked': answering(echoProtocol, async (ctx, { word, times }) => {
      if (word === 'slow') await new Promise((resolve) => setTimeout(resolve, 400));
      await ctx.emit({ type: 'test.echo.noted', data: { word } });
      // A reply its own protocol does not allow: caught before it is sent.
      if (word === 'lie') return { echo: 42 } as unknown as { echo: string };
      return { echo: word.repeat(times) };
    }),
  },
});
`,
  });
  await writeAgent(dir, 'asker', {
    'agent.yml': manifest('asker', 'wakesOn: [test.ask.go]\nemits: [test.echo.asked, test.nobody.asked]\n'),
    'src/index.ts': `import { z } from 'zod';
import { defineAgent } from '#platform';
import { echoProtocol } from '../../answerer/src/index.ts';

export default defineAgent({
  on: {
    'test.ask.go': {
      input: z.object({ word: z.unknown().optional(), times: z.number().optional(), timeoutMs: z.number().optional(), bare: z.string().optional() }),
      async handle(ctx, data) {
        try {
          if (data.bare !== undefined) return { reply: await ctx.request({ type: data.bare, data: {} }) };
          const reply = await ctx.request(
            echoProtocol,
            { word: data.word as string, ...(data.times === undefined ? {} : { times: data.times }) },
            data.timeoutMs === undefined ? {} : { timeoutMs: data.timeoutMs },
          );
          // Typed from the protocol: echo is a string here.
          return { reply: reply.echo.toUpperCase() };
        } catch (err) {
          const e = err as { code?: string; cause?: { code?: string } };
          return { error: e.code, cause: e.cause?.code };
        }
      },
    },
  },
});
`,
  });
  return dir;
}
