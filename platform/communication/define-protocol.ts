import type { z, ZodType } from 'zod';
import { assertEventTypeValid } from '../bus/envelope.ts';
import type { HandlerContext } from '../agent/agent-context.ts';
import type { EventHandler } from '../agent/define-agent.ts';

/**
 * A request type with the schemas of both halves of the exchange: what the caller sends
 * and what the answering agent replies. The answering agent exports it from its public
 * entry (its `src/index.ts`) and declares the type in `answers:`; a caller imports it to
 * ask (`ctx.request(protocol, input)`), so both sides check the same schemas and the
 * caller's reply is typed.
 */
export interface Protocol<Input extends ZodType = ZodType, Output extends ZodType = ZodType> {
  readonly type: string;
  readonly input: Input;
  readonly output: Output;
}

/** What the caller gives, before the input schema's defaults apply. */
export type RequestOf<P extends Protocol> = z.input<P['input']>;
/** What the caller gets: the reply as the output schema parsed it. */
export type ReplyOf<P extends Protocol> = z.output<P['output']>;

export function defineProtocol<Input extends ZodType, Output extends ZodType>(protocol: {
  type: string;
  input: Input;
  output: Output;
}): Protocol<Input, Output> {
  assertEventTypeValid(protocol.type);
  return Object.freeze({ ...protocol });
}

/** Tells a protocol from an event input: a protocol carries its two schemas. */
export function isProtocol(value: object): value is Protocol {
  return 'input' in value && 'output' in value && !('data' in value);
}

/**
 * The handler of a protocol's requests, for `on`: its data parsed by the protocol's input,
 * its resolved value checked against the output before it is sent back.
 */
export function answering<Input extends ZodType, Output extends ZodType, Settings, State>(
  protocol: Protocol<Input, Output>,
  handle: (ctx: HandlerContext<Settings, State>, data: z.output<Input>) => Promise<z.input<Output>>,
): EventHandler<Settings, State, z.output<Input>> {
  // The schema's output type is z.output<Input>, which TypeScript cannot see through the generic.
  return { input: protocol.input as ZodType<z.output<Input>>, output: protocol.output, handle };
}
